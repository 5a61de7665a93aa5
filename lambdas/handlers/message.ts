import type { Context } from 'aws-lambda';
import { ERROR_CODE_DIMENSION } from '../../definitions/metrics';
import { traceInvocation } from '../adapters/trace-invocation';
import { errorFields } from '../core/error-fields';
import type { ErrorCode } from '../core/errors';
import { encodeFailure } from '../core/protocol';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';
import { MessageEvent, type WebSocketResult } from './websocket-event';

/**
 * `$default`: every client event. The reply (an ack or an error frame) is the route
 * response's body, so it costs no `@connections` call. The invocation is traced (annotation
 * `route`) and its metrics are published, even on errors; the error frames built here (not by
 * the core) are counted as `Errors` by `ErrorCode` too.
 *
 * @example
 * export const handler = createMessageHandler(() => createChatRuntime({ managementApi }));
 */
export function createMessageHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return async (event: unknown, context?: Context): Promise<WebSocketResult> => {
    const { server, logger, metrics, tracer } = runtime();
    if (context) logger.addContext(context);
    const failure = (code: ErrorCode, message: string): WebSocketResult => {
      metrics.count('Errors', 1, { [ERROR_CODE_DIMENSION]: code });
      return { statusCode: 200, body: encodeFailure({ code, message }) };
    };
    try {
      const parsed = MessageEvent.safeParse(event);
      if (!parsed.success) {
        logger.error('Invalid MESSAGE event', { issues: parsed.error.issues });
        return failure('BAD_REQUEST', 'Invalid message event');
      }
      const { requestContext, body } = parsed.data;
      try {
        const reply = await traceInvocation(
          tracer,
          'message',
          { route: requestContext.routeKey },
          () =>
            server.handleMessage({
              connectionId: requestContext.connectionId,
              body: body ?? undefined,
            }),
        );
        return reply === undefined ? { statusCode: 200 } : { statusCode: 200, body: reply };
      } catch (error) {
        logger.error('Message failed', {
          connectionId: requestContext.connectionId,
          ...errorFields(error, { stack: true }),
        });
        return failure('INTERNAL', 'Internal error');
      }
    } finally {
      metrics.publish();
    }
  };
}

export const handler = createMessageHandler();
