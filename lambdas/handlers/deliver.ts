import { traceInvocation } from '../adapters/trace-invocation';
import { DeliverPayload } from '../core/deferred-delivery-payload';
import { chatHandler } from './chat-handler';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';

/**
 * Asynchronous worker of two kinds of event:
 * - `after-connect` (or no `kind`): delivers, in order, the frames the connection hook sent
 *   to a socket whose `$connect` had not returned yet, retrying 410s until the socket is open;
 * - `shard`: posts one shard of a large broadcast with bounded concurrency and gone clean-up.
 *
 * The invocation is traced (annotation `kind`) and its metrics are published, even on errors.
 *
 * @example
 * await handler({ connectionId: 'R1kmxc2VNjMCFIA=', frames: ['{"event":"hello","data":"hi","ns":"/"}'] });
 * await handler({ kind: 'shard', groups: [{ frame: '{"event":"chat","data":"hi","ns":"/"}', connectionIds: ['R1kmxc2VNjMCFIA='] }] });
 */
export function createDeliverHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return chatHandler<DeliverPayload, void>(
    {
      event: DeliverPayload,
      invalidMessage: 'Invalid deliver payload',
      invalid: () => undefined,
      handle: async (payload, { server, tracer }) => {
        const kind = payload.kind ?? 'after-connect';
        await traceInvocation(tracer, 'deliver', { kind }, () =>
          payload.kind === 'shard'
            ? server.deliverShard(payload)
            : server.deliverAfterConnect(payload.connectionId, payload.frames),
        );
      },
    },
    runtime,
  );
}

export const handler = createDeliverHandler();
