import type * as ManagementApiSdk from '@aws-sdk/client-apigatewaymanagementapi';
import type * as LambdaSdk from '@aws-sdk/client-lambda';

/**
 * `@aws-sdk/client-lambda`, required at the first call instead of at module load. Most
 * invocations never invoke another function (no shard, no after-connect frame, no clean-up),
 * so a cold start need not pay for loading the package (with the management API's, about
 * 15 ms of module load on this machine; see BENCHMARKS.md).
 *
 * @example
 * const { InvokeCommand } = lambdaSdk();
 */
export function lambdaSdk(): typeof LambdaSdk {
  return require('@aws-sdk/client-lambda');
}

/**
 * `@aws-sdk/client-apigatewaymanagementapi`, required at the first call: posts take the lean
 * path (`SignedConnectionPoster`), so only closing a connection needs the SDK client.
 *
 * @example
 * const { DeleteConnectionCommand } = managementApiSdk();
 */
export function managementApiSdk(): typeof ManagementApiSdk {
  return require('@aws-sdk/client-apigatewaymanagementapi');
}

/**
 * A `LambdaClient` configured from the environment (region, credentials), loading its package.
 *
 * @example
 * const dispatcher = new LambdaShardDispatcher({ functionName, client: createLambdaClient }); // created on first dispatch
 */
export function createLambdaClient(): LambdaSdk.LambdaClient {
  return new (lambdaSdk().LambdaClient)({});
}

/** An SDK client, or a function that creates it (called once, on first use). */
export type ClientSource<Client extends object> = Client | (() => Client);

/**
 * The client of `source` as a function: a client is returned as is, a factory is called on
 * the first call only and its client returned from then on.
 *
 * @example
 * const lambda = onFirstUse(() => new (lambdaSdk().LambdaClient)({}));
 * await lambda().send(new (lambdaSdk().InvokeCommand)({ FunctionName, InvocationType: 'Event', Payload }));
 */
export function onFirstUse<Client extends object>(source: ClientSource<Client>): () => Client {
  if (typeof source !== 'function') return () => source;
  const create = source as () => Client;
  let client: Client | undefined;
  return () => {
    client ??= create();
    return client;
  };
}
