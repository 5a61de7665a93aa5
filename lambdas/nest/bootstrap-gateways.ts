import 'reflect-metadata';
import type { INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { GATEWAY_METADATA } from '@nestjs/websockets/constants';
import type { Server } from '../core/server';
import { ApiGatewayWsAdapter } from './api-gateway-ws-adapter';
import { NoHttpAdapter } from './no-http-adapter';

/**
 * Starts a Nest application whose gateways run on the core `server`: the module's providers
 * are created and injected, every gateway's `afterInit` runs (once per cold start), and its
 * events are registered on its namespace for whichever event this container gets.
 *
 * @example
 * const app = await bootstrapGateways(AppModule, server, { logger: ['error', 'warn', 'log'] });
 */
export async function bootstrapGateways(
  module: Type<unknown>,
  server: Server,
  options: Pick<NestApplicationOptions, 'logger'> = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(module, new NoHttpAdapter(), {
    bodyParser: false,
    abortOnError: false,
    ...options,
  });
  const adapter = new ApiGatewayWsAdapter(server);
  app.useWebSocketAdapter(adapter);
  await app.init();
  adapter.bindEvents(gatewayInstances(app));
  return app;
}

/**
 * The gateway instances of an initialized application (`@WebSocketGateway` classes).
 *
 * @example
 * gatewayInstances(app); // [ChatsGateway {…}, ClubGateway {…}]
 */
export function gatewayInstances(app: INestApplication): object[] {
  const instances: object[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const { metatype, instance } = wrapper;
      if (metatype && instance && Reflect.getMetadata(GATEWAY_METADATA, metatype)) {
        instances.push(instance as object);
      }
    }
  }
  return instances;
}
