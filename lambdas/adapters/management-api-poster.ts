import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionPoster, PostResult } from '../core/ports';
import { type RetryPolicy, withRetries } from '../core/retry';
import type { SocketId } from '../core/types';
import { type ClientSource, managementApiSdk, onFirstUse } from './sdk-on-first-use';

/** A ready client, or the `@connections` endpoint to build one for; and the retry policy. */
export type ManagementApiPosterOptions = (
  | {
      /**
       * The client, or a function that creates it on first use. Build it with
       * `maxAttempts: 1` (see `managementApiClientConfig`), or retries multiply.
       */
      readonly client: ClientSource<ApiGatewayManagementApiClient>;
    }
  | {
      /** e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/prod` */
      readonly endpoint: string;
    }
) & {
  /** Retries of throttled and failed posts. Default 3 retries, 50 ms base, 1 s cap, full jitter. */
  readonly retry?: RetryPolicy;
};

/** Keep-alive sockets per client: above the fan-out's posts in flight (64 by default). */
const MAX_SOCKETS = 128;

/**
 * The SDK settings of the management API client: one attempt per `send`, because
 * `ManagementApiPoster` owns the retry policy. With the SDK's default (3 attempts) under
 * ours, a post could be sent (1 + retries) x 3 = 12 times, with two backoffs stacked.
 * Keep-alive sockets are pooled above the fan-out's concurrency; the SDK's default pool of
 * 50 would queue part of every large fan-out.
 *
 * @example
 * new ApiGatewayManagementApiClient({ ...managementApiClientConfig, endpoint });
 */
export const managementApiClientConfig = {
  maxAttempts: 1,
  requestHandler: {
    httpAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
    httpsAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
  },
} as const;

/**
 * A management API client on `endpoint` with `managementApiClientConfig`, loading its package.
 *
 * @example
 * const closer = new ManagementApiCloser({ client: () => createManagementApiClient(process.env.CALLBACK_URL ?? '') });
 */
export function createManagementApiClient(endpoint: string): ApiGatewayManagementApiClient {
  return new (managementApiSdk().ApiGatewayManagementApiClient)({
    ...managementApiClientConfig,
    endpoint,
  });
}

/** Error names API Gateway and the SDK use for throttling and server-side failures. */
const RETRYABLE_NAMES = new Set([
  'LimitExceededException',
  'TooManyRequestsException',
  'ThrottlingException',
  'InternalServerErrorException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
/** Transport failures the SDK's standard retry mode treats as transient. */
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * Whether a failed post is worth another try: 429 (`LimitExceededException`), any 5xx, an
 * error the SDK marks `$retryable`, or a transient socket failure. 400, 403, 410 and 413 are not.
 *
 * @example
 * isRetryablePostError(new LimitExceededException({ message: 'slow down', $metadata: {} })); // true
 */
export function isRetryablePostError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const details = error as Error & {
    code?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = details.$metadata?.httpStatusCode ?? 0;
  return (
    RETRYABLE_NAMES.has(error.name) ||
    status === 429 ||
    status >= 500 ||
    details.$retryable !== undefined ||
    (typeof details.code === 'string' && RETRYABLE_CODES.has(details.code))
  );
}

/**
 * `ConnectionPoster` through API Gateway's `@connections` API (PostToConnection). A `GoneException`,
 * recognised by its name, resolves `'gone'` at once. Throttling (429), 5xx and transient
 * socket errors are retried with exponential backoff and full jitter, bounded by `retry`
 * (defaults: at most 4 attempts and 350 ms of waiting per post); the last error is then
 * rethrown. Every other error (400, 403, 413, ...) is rethrown at once.
 *
 * The policy lives here rather than in the SDK: the client this class builds sends each
 * request once (`managementApiClientConfig`), so the bound above is the whole bound. A
 * client passed in should be built the same way; with the SDK's default 3 attempts each of
 * ours becomes up to 3 requests.
 *
 * @example
 * const poster = new ManagementApiPoster({ endpoint: process.env.CALLBACK_URL ?? '' });
 * if ((await poster.post(id, frame)) === 'gone') await adapter.removeGone([id]);
 */
export class ManagementApiPoster implements ConnectionPoster {
  readonly #client: () => ApiGatewayManagementApiClient;
  readonly #retry: RetryPolicy;

  constructor(options: ManagementApiPosterOptions) {
    this.#client = onFirstUse(
      'client' in options ? options.client : () => createManagementApiClient(options.endpoint),
    );
    this.#retry = options.retry ?? {};
  }

  async post(connectionId: SocketId, frame: string): Promise<PostResult> {
    const { PostToConnectionCommand } = managementApiSdk();
    const command = new PostToConnectionCommand({ ConnectionId: connectionId, Data: frame });
    const client = this.#client();
    try {
      await withRetries(() => client.send(command), isRetryablePostError, this.#retry);
      return 'delivered';
    } catch (error) {
      if (error instanceof Error && error.name === 'GoneException') return 'gone';
      throw error;
    }
  }
}
