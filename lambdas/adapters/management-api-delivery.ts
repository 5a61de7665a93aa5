import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { Delivery, PostResult } from '../core/ports';
import type { SocketId } from '../core/types';

/** Either a ready client, or the `@connections` endpoint to build one for. */
export type ManagementApiDeliveryOptions =
  | {
      readonly client: ApiGatewayManagementApiClient;
    }
  | {
      /** e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/prod` */
      readonly endpoint: string;
    };

/**
 * `Delivery` through API Gateway's `@connections` API (PostToConnection). A `GoneException`,
 * recognised by its name, resolves `'gone'`; every other error is rethrown.
 *
 * @example
 * const delivery = new ManagementApiDelivery({ endpoint: process.env.CALLBACK_URL ?? '' });
 * if ((await delivery.post(id, frame)) === 'gone') await store.removeConnections([id]);
 */
export class ManagementApiDelivery implements Delivery {
  readonly #client: ApiGatewayManagementApiClient;

  constructor(options: ManagementApiDeliveryOptions) {
    this.#client =
      'client' in options
        ? options.client
        : new ApiGatewayManagementApiClient({ endpoint: options.endpoint });
  }

  async post(connectionId: SocketId, frame: string): Promise<PostResult> {
    try {
      await this.#client.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: frame }),
      );
      return 'delivered';
    } catch (error) {
      if (error instanceof Error && error.name === 'GoneException') return 'gone';
      throw error;
    }
  }
}
