import type { Type } from '@nestjs/common';
import type { Context } from 'aws-lambda';
import { Server } from '../core/server';
import { bootstrapGateways } from '../nest/bootstrap-gateways';
import { type ChatRuntime, type ChatRuntimeOptions, createChatRuntime } from './chat-runtime';
import { createConnectHandler } from './connect';
import { createDisconnectHandler } from './disconnect';
import { createMessageHandler } from './message';

type Handler = (event: unknown, context?: Context) => Promise<unknown>;

/** The Lambda handlers of a Nest application's gateways: one function each, as the chat's. */
export interface NestGatewayHandlers {
  /** `$connect`: the gateways' middleware-free connect, then `handleConnection`. */
  readonly connect: Handler;
  /** `$disconnect`: `handleDisconnect`. */
  readonly disconnect: Handler;
  /** Every message route: the `@SubscribeMessage` handler of the event's namespace. */
  readonly message: Handler;
}

/**
 * Lambda handlers that run a Nest module's gateways on API Gateway: the application is
 * bootstrapped once per container (at cold start, while Lambda initializes the function) on
 * the chat's runtime (DynamoDB, the `@connections` API, the worker), and every event waits
 * for it before it is handled. Export them from the function's entry file.
 *
 * @example
 * export const { connect, disconnect, message } = createNestGatewayHandlers(AppModule);
 */
export function createNestGatewayHandlers(
  module: Type<unknown>,
  options: Omit<ChatRuntimeOptions, 'app'> = {},
): NestGatewayHandlers {
  let runtime: ChatRuntime | undefined;
  let ready: Promise<unknown> | undefined;
  const chat = (): ChatRuntime => {
    runtime ??= createChatRuntime({
      ...options,
      app: (serverOptions) => new Server(serverOptions),
    });
    return runtime;
  };
  const bootstrap = () => {
    ready ??= Promise.resolve()
      .then(() => bootstrapGateways(module, chat().server))
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    return ready;
  };
  const afterBootstrap =
    (handler: Handler): Handler =>
    async (event, context) => {
      await bootstrap();
      return handler(event, context);
    };
  // Started at once, so that the bootstrap runs in Lambda's initialization phase; a failure
  // is tried again, and thrown, by the first event.
  bootstrap().catch(() => {});
  return {
    connect: afterBootstrap(createConnectHandler(chat)),
    disconnect: afterBootstrap(createDisconnectHandler(chat)),
    message: afterBootstrap(createMessageHandler(chat)),
  };
}
