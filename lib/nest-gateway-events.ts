import 'reflect-metadata';
import type { DynamicModule, ForwardReference, Provider, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import {
  GATEWAY_METADATA,
  GATEWAY_OPTIONS,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
} from '@nestjs/websockets/constants';

/** One `@WebSocketGateway` class: its namespace and the events it subscribes to. */
export interface GatewayEvents {
  /** The class name. */
  readonly gateway: string;
  /** `'/'` when the gateway names none; a RegExp or function namespace as its source text. */
  readonly namespace: string;
  /** The `@SubscribeMessage` event names, in the class's order, its base classes' after. */
  readonly events: readonly string[];
}

type ModuleImport = Type<unknown> | DynamicModule | ForwardReference | Promise<DynamicModule>;

/**
 * The gateways a Nest module declares, read from its decorators alone: no provider is created
 * and nothing is bootstrapped, so the stack can read them at synth. Follows the module's
 * imports (dynamic modules and `forwardRef` included) once each.
 *
 * @example
 * gatewayEvents(SeedsModule); // [{ gateway: 'ChatsGateway', namespace: 'customSpace', events: ['uniCast', 'broadCasting'] }, …]
 */
export function gatewayEvents(module: Type<unknown> | DynamicModule): GatewayEvents[] {
  const gateways = new Set<Type<unknown>>();
  const visited = new Set<unknown>();
  const visit = (entry: ModuleImport | undefined): void => {
    if (entry === undefined || entry === null || entry instanceof Promise) return;
    if ('forwardRef' in entry) {
      visit(entry.forwardRef() as ModuleImport);
      return;
    }
    if (visited.has(entry)) return;
    visited.add(entry);
    if ('module' in entry) {
      visit(entry.module);
      for (const child of entry.imports ?? []) visit(child as ModuleImport);
      for (const provider of entry.providers ?? []) addGateway(provider);
      return;
    }
    const imports = (Reflect.getMetadata(MODULE_METADATA.IMPORTS, entry) ?? []) as ModuleImport[];
    for (const child of imports) visit(child);
    const providers = (Reflect.getMetadata(MODULE_METADATA.PROVIDERS, entry) ?? []) as Provider[];
    for (const provider of providers) addGateway(provider);
  };
  const addGateway = (provider: Provider): void => {
    const type =
      typeof provider === 'function'
        ? provider
        : 'useClass' in provider
          ? (provider.useClass as Type<unknown>)
          : undefined;
    if (type && Reflect.getMetadata(GATEWAY_METADATA, type)) gateways.add(type);
  };
  visit(module);
  return [...gateways].map((type) => ({
    gateway: type.name,
    namespace: namespaceOf(type),
    events: subscribedEvents(type),
  }));
}

function namespaceOf(type: Type<unknown>): string {
  const options = Reflect.getMetadata(GATEWAY_OPTIONS, type) as { namespace?: unknown } | undefined;
  const namespace = options?.namespace;
  if (namespace === undefined || namespace === '') return '/';
  if (typeof namespace === 'string') return namespace.startsWith('/') ? namespace : `/${namespace}`;
  return String(namespace);
}

function subscribedEvents(type: Type<unknown>): string[] {
  const events: string[] = [];
  for (
    let prototype = type.prototype as object | null;
    prototype && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype) as object | null
  ) {
    for (const key of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, key)?.value as unknown;
      if (typeof method !== 'function' || !Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method))
        continue;
      const event = Reflect.getMetadata(MESSAGE_METADATA, method) as unknown;
      if (typeof event === 'string' && !events.includes(event)) events.push(event);
    }
  }
  return events;
}
