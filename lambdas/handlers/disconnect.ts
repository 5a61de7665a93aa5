import type { Context } from 'aws-lambda';
import { traceInvocation } from '../adapters/trace-invocation';
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
  return async (event: unknown, context?: Context): Promise<WebSocketResult> => {
    const { server, logger, metrics, tracer } = runtime();
    if (context) logger.addContext(context);
    try {
      const parsed = DisconnectEvent.safeParse(event);
      if (!parsed.success) {
        logger.error('Invalid $disconnect event', { issues: parsed.error.issues });
        return { statusCode: 400 };
      }
      const { requestContext } = parsed.data;
      await traceInvocation(tracer, 'disconnect', { route: '$disconnect' }, () =>
        server.handleDisconnect({
          connectionId: requestContext.connectionId,
          statusCode: requestContext.disconnectStatusCode ?? undefined,
          reason: requestContext.disconnectReason ?? '',
        }),
      );
      return { statusCode: 200 };
    } finally {
      metrics.publish();
    }
  };
}

export const handler = createDisconnectHandler();
