import type { Context } from 'aws-lambda';
import { DeliverPayload } from '../core/deferred-delivery-payload';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';

/**
 * Asynchronous worker of two kinds of event:
 * - `after-connect` (or no `kind`): delivers, in order, the frames the connection hook sent
 *   to a socket whose `$connect` had not returned yet, retrying 410s until the socket is open;
 * - `shard`: posts one shard of a large broadcast with bounded concurrency and gone clean-up.
 *
 * @example
 * await handler({ connectionId: 'R1kmxc2VNjMCFIA=', frames: ['{"event":"hello","data":"hi","ns":"/"}'] });
 * await handler({ kind: 'shard', groups: [{ frame: '{"event":"chat","data":"hi","ns":"/"}', connectionIds: ['R1kmxc2VNjMCFIA='] }] });
 */
export function createDeliverHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return async (event: unknown, context?: Context): Promise<void> => {
    const { server, logger } = runtime();
    if (context) logger.addContext(context);
    const parsed = DeliverPayload.safeParse(event);
    if (!parsed.success) {
      logger.error('Invalid deliver payload', { issues: parsed.error.issues });
      return;
    }
    const payload = parsed.data;
    if (payload.kind === 'shard') await server.deliverShard(payload);
    else await server.deliverAfterConnect(payload.connectionId, payload.frames);
  };
}

export const handler = createDeliverHandler();
