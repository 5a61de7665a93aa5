import { ERROR_CODE_DIMENSION } from '../../definitions/metrics';
import { traceInvocation } from '../adapters/trace-invocation';
import { errorFields } from '../core/error-fields';
import type { ErrorCode } from '../core/errors';
import { encodeFailure } from '../core/protocol';
import { chatHandler, deadlineOf } from './chat-handler';
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
  return chatHandler<MessageEvent, WebSocketResult>(
    {
      event: MessageEvent,
      invalidMessage: 'Invalid MESSAGE event',
      invalid: ({ metrics }) => failure(metrics, 'BAD_REQUEST', 'Invalid message event'),
      handle: async ({ requestContext, body }, { server, logger, metrics, tracer }, context) => {
        try {
          const reply = await traceInvocation(
            tracer,
            'message',
            { route: requestContext.routeKey },
            () =>
              server.handleMessage({
                connectionId: requestContext.connectionId,
                body: body ?? undefined,
                authorizer: requestContext.authorizer ?? undefined,
                deadline: deadlineOf(context),
              }),
          );
          return reply === undefined ? { statusCode: 200 } : { statusCode: 200, body: reply };
        } catch (error) {
          logger.error('Message failed', {
            connectionId: requestContext.connectionId,
            ...errorFields(error, { stack: true }),
          });
          return failure(metrics, 'INTERNAL', 'Internal error');
        }
      },
    },
    runtime,
  );
}

/** An error frame built here (not by the core) as the route response, counted as `Errors`. */
function failure(
  metrics: ChatRuntime['metrics'],
  code: ErrorCode,
  message: string,
): WebSocketResult {
  metrics.count('Errors', 1, { [ERROR_CODE_DIMENSION]: code });
  return { statusCode: 200, body: encodeFailure({ code, message }) };
}

export const handler = createMessageHandler();
