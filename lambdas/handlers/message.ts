import type { Context } from 'aws-lambda';
import { encodeFailure } from '../core/protocol';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';
import { MessageEvent, type WebSocketResult } from './websocket-event';

/**
 * `$default`: every client event. The reply (an ack or an error frame) is the route
 * response's body, so it costs no `@connections` call.
 *
 * @example
 * export const handler = createMessageHandler(() => createChatRuntime({ managementApi }));
 */
export function createMessageHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return async (event: unknown, context?: Context): Promise<WebSocketResult> => {
    const { server, logger } = runtime();
    if (context) logger.addContext(context);
    const parsed = MessageEvent.safeParse(event);
    if (!parsed.success) {
      logger.error('Invalid MESSAGE event', { issues: parsed.error.issues });
      return {
        statusCode: 200,
        body: encodeFailure({ code: 'BAD_REQUEST', message: 'Invalid message event' }),
      };
    }
    const { requestContext, body } = parsed.data;
    try {
      const reply = await server.handleMessage({
        connectionId: requestContext.connectionId,
        body: body ?? undefined,
      });
      return reply === undefined ? { statusCode: 200 } : { statusCode: 200, body: reply };
    } catch (error) {
      logger.error('Message failed', {
        connectionId: requestContext.connectionId,
        error: error as Error,
      });
      return {
        statusCode: 200,
        body: encodeFailure({ code: 'INTERNAL', message: 'Internal error' }),
      };
    }
  };
}

export const handler = createMessageHandler();
