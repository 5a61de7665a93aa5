import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { BroadcastShard, ShardDispatcher } from '../core/ports';
import type { ShardPayload } from '../core/worker-payload';
import { type ClientSource, createLambdaClient, lambdaSdk, onFirstUse } from './sdk-on-first-use';

/** Lambda's limit on an asynchronous invocation's payload (256 KB), less room for framing. */
export const ASYNC_INVOKE_PAYLOAD_LIMIT_BYTES = 256 * 1024 - 1024;

export interface LambdaShardDispatcherOptions {
  /** Name or ARN of the worker. */
  readonly functionName: string;
  /**
   * The client, or a function that creates it on first use. Default: a `LambdaClient` of the
   * environment, created (and its package loaded) at the first invocation.
   */
  readonly client?: ClientSource<LambdaClient>;
  /** Largest payload sent in one invocation. Default `ASYNC_INVOKE_PAYLOAD_LIMIT_BYTES`. */
  readonly maxPayloadBytes?: number;
}

/**
 * `ShardDispatcher` that invokes the worker asynchronously (`InvocationType: 'Event'`)
 * with a `ShardPayload`; each invocation runs in its own container, so shards post in
 * parallel. A shard whose payload would exceed the asynchronous limit (large frames) is
 * halved until every part fits, and the parts are invoked in parallel. Rejects if any
 * invocation fails.
 *
 * @example
 * const dispatcher = new LambdaShardDispatcher({ functionName: process.env.WORKER_FUNCTION_NAME ?? '' });
 * await dispatcher.dispatch({ groups: [{ frame, connectionIds }] });
 */
export class LambdaShardDispatcher implements ShardDispatcher {
  readonly #functionName: string;
  readonly #client: () => LambdaClient;
  readonly #maxPayloadBytes: number;

  constructor(options: LambdaShardDispatcherOptions) {
    this.#functionName = options.functionName;
    this.#client = onFirstUse(options.client ?? createLambdaClient);
    this.#maxPayloadBytes = options.maxPayloadBytes ?? ASYNC_INVOKE_PAYLOAD_LIMIT_BYTES;
  }

  async dispatch(shard: BroadcastShard): Promise<void> {
    const parts = splitToFit(shard, this.#maxPayloadBytes);
    const { InvokeCommand } = lambdaSdk();
    await Promise.all(
      parts.map((payload) =>
        this.#client().send(
          new InvokeCommand({
            FunctionName: this.#functionName,
            InvocationType: 'Event',
            Payload: payload,
          }),
        ),
      ),
    );
  }
}

/**
 * The shard as serialized payloads of at most `maxBytes` each, halving the recipients until
 * they fit. A single recipient whose frame alone exceeds the limit cannot be split: it is
 * sent as is and the invocation rejects (API Gateway's 128 KB frame limit keeps it from happening).
 */
export function splitToFit(shard: BroadcastShard, maxBytes: number): string[] {
  const groups = shard.groups.filter((group) => group.connectionIds.length > 0);
  if (groups.length === 0) return [];
  const payload: ShardPayload = {
    kind: 'shard',
    groups: groups.map((group) => ({
      frame: group.frame,
      connectionIds: [...group.connectionIds],
      ...(group.socketIds === undefined ? {} : { socketIds: [...group.socketIds] }),
    })),
  };
  const text = JSON.stringify(payload);
  const recipients = groups.flatMap((group) =>
    group.connectionIds.map((id, index) => ({
      id,
      socket: group.socketIds?.[index] ?? id,
      frame: group.frame,
    })),
  );
  if (Buffer.byteLength(text) <= maxBytes || recipients.length <= 1) return [text];
  const half = Math.ceil(recipients.length / 2);
  return [recipients.slice(0, half), recipients.slice(half)].flatMap((part) =>
    splitToFit(regroup(part), maxBytes),
  );
}

function regroup(
  recipients: readonly { id: string; socket: string; frame: string }[],
): BroadcastShard {
  const groups = new Map<string, { connectionIds: string[]; socketIds: string[] }>();
  for (const { id, socket, frame } of recipients) {
    const group = groups.get(frame) ?? { connectionIds: [], socketIds: [] };
    group.connectionIds.push(id);
    group.socketIds.push(socket);
    groups.set(frame, group);
  }
  return {
    groups: [...groups].map(([frame, { connectionIds, socketIds }]) =>
      socketIds.some((socket, index) => socket !== connectionIds[index])
        ? { frame, connectionIds, socketIds }
        : { frame, connectionIds },
    ),
  };
}
