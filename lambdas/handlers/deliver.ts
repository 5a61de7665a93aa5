import type { Context } from 'aws-lambda';
import { DeferredDeliveryPayload } from '../core/deferred-delivery-payload';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';

/**
 * Asynchronous worker: delivers, in order, the frames the connection hook sent to a socket
 * whose `$connect` had not returned yet, retrying 410s until the socket is open.
 *
 * @example
 * await handler({ connectionId: 'R1kmxc2VNjMCFIA=', frames: ['{"event":"hello","data":"hi","ns":"/"}'] });
 */
export function createDeliverHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return async (event: unknown, context?: Context): Promise<void> => {
    const { server, logger } = runtime();
    if (context) logger.addContext(context);
    const parsed = DeferredDeliveryPayload.safeParse(event);
    if (!parsed.success) {
      logger.error('Invalid deliver payload', { issues: parsed.error.issues });
      return;
    }
    await server.deliverAfterConnect(parsed.data.connectionId, parsed.data.frames);
  };
}

export const handler = createDeliverHandler();
