import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CleanupDispatcher, GoneCleanup } from '../core/ports';
import type { CleanupPayload } from '../core/worker-payload';
import { ASYNC_INVOKE_PAYLOAD_LIMIT_BYTES } from './lambda-shard-dispatcher';
import { type ClientSource, createLambdaClient, lambdaSdk, onFirstUse } from './sdk-on-first-use';

export interface LambdaCleanupDispatcherOptions {
  /** Name or ARN of the worker (the worker itself, for its own continuations). */
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
 * `CleanupDispatcher` that invokes the worker asynchronously (`InvocationType: 'Event'`)
 * with a `CleanupPayload`. A clean-up whose payload would exceed the asynchronous limit (a
 * checkpoint of many connections at the room cap) is halved until every part fits; the parts
 * are invoked in parallel. Rejects if any invocation fails.
 *
 * @example
 * const cleanups = new LambdaCleanupDispatcher({ functionName: process.env.WORKER_FUNCTION_NAME ?? '' });
 * await cleanups.dispatch({ connectionIds: ['R1kmxc2VNjMCFIA='], connectedBefore: Date.now() - 30_000 });
 */
export class LambdaCleanupDispatcher implements CleanupDispatcher {
  readonly #functionName: string;
  readonly #client: () => LambdaClient;
  readonly #maxPayloadBytes: number;

  constructor(options: LambdaCleanupDispatcherOptions) {
    this.#functionName = options.functionName;
    this.#client = onFirstUse(options.client ?? createLambdaClient);
    this.#maxPayloadBytes = options.maxPayloadBytes ?? ASYNC_INVOKE_PAYLOAD_LIMIT_BYTES;
  }

  async dispatch(cleanup: GoneCleanup): Promise<void> {
    const { InvokeCommand } = lambdaSdk();
    await Promise.all(
      splitCleanup(cleanup, this.#maxPayloadBytes).map((payload) =>
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
 * The clean-up as serialized payloads of at most `maxBytes` each, halving its lists until they
 * fit. Nothing for a clean-up with no connection in it.
 *
 * @example
 * splitCleanup({ connectionIds: ids, connectedBefore }, 255 * 1024); // ['{"kind":"cleanup",...}']
 */
export function splitCleanup(cleanup: GoneCleanup, maxBytes: number): string[] {
  const ids = [...(cleanup.connectionIds ?? [])];
  const detached = [...(cleanup.detached ?? [])];
  const count = ids.length + detached.length;
  if (count === 0) return [];
  const payload: CleanupPayload = {
    kind: 'cleanup',
    ...(ids.length === 0 ? {} : { connectionIds: ids }),
    ...(ids.length === 0 || cleanup.connectedBefore === undefined
      ? {}
      : { connectedBefore: cleanup.connectedBefore }),
    ...(detached.length === 0
      ? {}
      : {
          detached: detached.map((connection) => ({ ...connection, rooms: [...connection.rooms] })),
        }),
  };
  const text = JSON.stringify(payload);
  if (Buffer.byteLength(text) <= maxBytes || count === 1) return [text];
  const half = (list: readonly unknown[]) => Math.ceil(list.length / 2);
  const parts: GoneCleanup[] = [
    {
      connectionIds: ids.slice(0, half(ids)),
      connectedBefore: cleanup.connectedBefore,
      detached: detached.slice(0, half(detached)),
    },
    {
      connectionIds: ids.slice(half(ids)),
      connectedBefore: cleanup.connectedBefore,
      detached: detached.slice(half(detached)),
    },
  ];
  return parts.flatMap((part) => splitCleanup(part, maxBytes));
}
