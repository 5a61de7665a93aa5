import { traceInvocation } from '../adapters/trace-invocation';
import { chatHandler, deadlineOf } from './chat-handler';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';
import { DisconnectEvent, type WebSocketResult } from './websocket-event';

/**
 * `$disconnect`: removes the connection and every membership of it (idempotent). The
 * invocation is traced (route `$disconnect`) and its metrics are published, even on errors.
 *
 * @example
 * export const handler = createDisconnectHandler(() => createChatRuntime({ dynamoDb }));
 */
export function createDisconnectHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return chatHandler<DisconnectEvent, WebSocketResult>(
    {
      event: DisconnectEvent,
      invalidMessage: 'Invalid $disconnect event',
      invalid: () => ({ statusCode: 400 }),
      handle: async ({ requestContext }, { server, tracer }, context) => {
        await traceInvocation(tracer, 'disconnect', { route: '$disconnect' }, () =>
          server.handleDisconnect({
            connectionId: requestContext.connectionId,
            statusCode: requestContext.disconnectStatusCode ?? undefined,
            reason: requestContext.disconnectReason ?? '',
            deadline: deadlineOf(context),
          }),
        );
        return { statusCode: 200 };
      },
    },
    runtime,
  );
}

export const handler = createDisconnectHandler();
