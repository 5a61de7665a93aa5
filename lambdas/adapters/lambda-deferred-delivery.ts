import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { DeferredDeliveryPayload } from '../core/deferred-delivery-payload';
import type { DeferredDelivery } from '../core/ports';
import type { SocketId } from '../core/types';

export interface LambdaDeferredDeliveryOptions {
  /** Name or ARN of the deliver worker. */
  readonly functionName: string;
  /** Default: `new LambdaClient({})`. */
  readonly client?: LambdaClient;
}

/**
 * `DeferredDelivery` that invokes the deliver worker asynchronously (`InvocationType: 'Event'`)
 * with a `DeferredDeliveryPayload`. Nothing is invoked for an empty list of frames.
 *
 * @example
 * const deferred = new LambdaDeferredDelivery({ functionName: process.env.DELIVER_FUNCTION_NAME ?? '' });
 * await deferred.deliverAfterConnect(socket.id, [welcomeFrame]);
 */
export class LambdaDeferredDelivery implements DeferredDelivery {
  readonly #functionName: string;
  readonly #client: LambdaClient;

  constructor(options: LambdaDeferredDeliveryOptions) {
    this.#functionName = options.functionName;
    this.#client = options.client ?? new LambdaClient({});
  }

  async deliverAfterConnect(connectionId: SocketId, frames: readonly string[]): Promise<void> {
    if (frames.length === 0) return;
    const payload: DeferredDeliveryPayload = {
      kind: 'after-connect',
      connectionId,
      frames: [...frames],
    };
    await this.#client.send(
      new InvokeCommand({
        FunctionName: this.#functionName,
        InvocationType: 'Event',
        Payload: JSON.stringify(payload),
      }),
    );
  }
}
