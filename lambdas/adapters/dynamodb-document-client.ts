import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The SDK retry settings of the chat's DynamoDB client: standard mode, at most 3 attempts per call.
 * The SDK retries throttling (`ProvisionedThroughputExceededException`, `ThrottlingException`,
 * 429), 5xx and transient socket errors with full-jitter backoff; with @smithy/core 3.41 a
 * throttled call waits below 1 s, then below 2 s, so at most about 3 s before it fails.
 * Standard rather than adaptive: adaptive's client-side rate limiter is shared by every call
 * of the warm container and, once throttled, makes calls wait for send tokens (locally, about
 * 2 s for the throttled call and 1 s for the next one), which the 10 s message function
 * cannot afford. Unprocessed batch items are not errors to the SDK; the store retries those.
 *
 * @example
 * const client = new DynamoDBClient({ ...dynamoDbClientConfig, endpoint });
 */
export const dynamoDbClientConfig = {
  maxAttempts: 3,
  retryMode: 'standard',
} as const satisfies DynamoDBClientConfig;

/** The name of the SDK middleware that hands each call's input and output to the client's logger. */
const SDK_LOGGER_MIDDLEWARE = 'loggerMiddleware';

/**
 * The document client the chat's stores use unless one is injected: `dynamoDbClientConfig`,
 * undefined values dropped. `config` adds to it (a region, an endpoint and credentials).
 * The SDK's logger middleware is left out unless `config.logger` is given (see
 * `chatDocumentClient`).
 *
 * @example
 * const store = new DynamoDbMembershipStore({ tableName, client: createDynamoDbDocumentClient({ region }) });
 */
export function createDynamoDbDocumentClient(
  config: DynamoDBClientConfig = {},
): DynamoDBDocumentClient {
  return chatDocumentClient(new DynamoDBClient({ ...dynamoDbClientConfig, ...config }), {
    logged: config.logger !== undefined,
  });
}

/**
 * `client` wrapped as the chat's stores expect: undefined values dropped. Unless `logged`, the
 * SDK's logger middleware is left out: with the SDK's default no-op logger it still copies every
 * input and output through their sensitive-data filters, to log nothing (about a fifth of the
 * client's CPU for a Query returning 100 items on this machine). The document client shares
 * `client`'s middleware stack, so `client` loses that middleware too.
 *
 * @example
 * const documents = chatDocumentClient(new DynamoDBClient({ endpoint }));
 */
export function chatDocumentClient(
  client: DynamoDBClient,
  options: { readonly logged?: boolean } = {},
): DynamoDBDocumentClient {
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  if (options.logged !== true) documents.middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  return documents;
}
