import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionCloser } from '../core/ports';
import { type RetryPolicy, withRetries } from '../core/retry';
import type { SocketId } from '../core/types';
import { isRetryablePostError } from './management-api-poster';
import { type ClientSource, managementApiSdk, onFirstUse } from './sdk-on-first-use';

/**
 * `ConnectionCloser` through API Gateway's `@connections` API (DeleteConnection): what
 * `socket.disconnect()` and `disconnectSockets()` call. A `GoneException`, recognised by its
 * name, resolves `'gone'`; throttling and 5xx are retried as posts are.
 *
 * @example
 * const closer = new ManagementApiCloser({ client });
 * await closer.close('R1kmxc2VNjMCFIA=');
 */
export class ManagementApiCloser implements ConnectionCloser {
  readonly #client: () => ApiGatewayManagementApiClient;
  readonly #retry: RetryPolicy;

  constructor(options: {
    /** The client, or a function that creates it on first use (see `createManagementApiClient`). */
    readonly client: ClientSource<ApiGatewayManagementApiClient>;
    readonly retry?: RetryPolicy;
  }) {
    this.#client = onFirstUse(options.client);
    this.#retry = options.retry ?? {};
  }

  async close(connectionId: SocketId): Promise<'closed' | 'gone'> {
    const { DeleteConnectionCommand } = managementApiSdk();
    const command = new DeleteConnectionCommand({ ConnectionId: connectionId });
    const client = this.#client();
    try {
      await withRetries(() => client.send(command), isRetryablePostError, this.#retry);
      return 'closed';
    } catch (error) {
      if (error instanceof Error && error.name === 'GoneException') return 'gone';
      throw error;
    }
  }
}
