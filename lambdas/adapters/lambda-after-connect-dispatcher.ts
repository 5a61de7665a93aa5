import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { AfterConnectDispatcher } from '../core/ports';
import type { SocketId } from '../core/types';
import type { AfterConnectPayload } from '../core/worker-payload';
import { type ClientSource, createLambdaClient, lambdaSdk, onFirstUse } from './sdk-on-first-use';

export interface LambdaAfterConnectDispatcherOptions {
  /** Name or ARN of the worker. */
  readonly functionName: string;
  /**
   * The client, or a function that creates it on first use. Default: a `LambdaClient` of the
   * environment, created (and its package loaded) at the first invocation.
   */
  readonly client?: ClientSource<LambdaClient>;
}

/**
 * `AfterConnectDispatcher` that invokes the worker asynchronously (`InvocationType: 'Event'`)
 * with a `AfterConnectPayload`. Nothing is invoked for an empty list of frames.
 *
 * @example
 * const afterConnect = new LambdaAfterConnectDispatcher({ functionName: process.env.WORKER_FUNCTION_NAME ?? '' });
 * await afterConnect.dispatch(socket.id, [welcomeFrame]);
 */
export class LambdaAfterConnectDispatcher implements AfterConnectDispatcher {
  readonly #functionName: string;
  readonly #client: () => LambdaClient;

  constructor(options: LambdaAfterConnectDispatcherOptions) {
    this.#functionName = options.functionName;
    this.#client = onFirstUse(options.client ?? createLambdaClient);
  }

  async dispatch(connectionId: SocketId, frames: readonly string[]): Promise<void> {
    if (frames.length === 0) return;
    const { InvokeCommand } = lambdaSdk();
    const payload: AfterConnectPayload = {
      kind: 'after-connect',
      connectionId,
      frames: [...frames],
    };
    await this.#client().send(
      new InvokeCommand({
        FunctionName: this.#functionName,
        InvocationType: 'Event',
        Payload: JSON.stringify(payload),
      }),
    );
  }
}
