import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { APP_ENV, ENV } from '../../lib/api-definition';
import { SERVICE_NAME } from '../../lib/metrics-definition';
import { DynamoDbMembershipStore } from '../adapters/dynamodb-membership-store';
import { DynamoDbMessageLog } from '../adapters/dynamodb-message-log';
import { DynamoDbPresenceStore } from '../adapters/dynamodb-presence-store';
import { LambdaDeferredDelivery } from '../adapters/lambda-deferred-delivery';
import { LambdaShardDispatcher } from '../adapters/lambda-shard-dispatcher';
import {
  ManagementApiDelivery,
  managementApiClientConfig,
} from '../adapters/management-api-delivery';
import { PowertoolsChatMetrics } from '../adapters/powertools-metrics';
import { type ChatAppOptions, createChatApp } from '../app/chat-app';
import { PrivateRooms } from '../app/private-rooms';
import type { DeferredDelivery } from '../core/ports';
import type { Server, ServerOptions } from '../core/server';
import * as z from '../core/zod';

/** The history settings of the environment (`HISTORY_RETENTION_SECONDS`, `HISTORY_MAX_LENGTH`). */
const HistoryEnvironment = z.object({
  [APP_ENV.historyRetentionSeconds]: z.optional(z.coerce.number().check(z.int(), z.positive())),
  [APP_ENV.historyMaxLength]: z.optional(z.coerce.number().check(z.int(), z.positive())),
});

/**
 * The durable rooms' retention the environment sets, as the app's `history` option; throws on
 * a value that is not a positive integer. The functions and the emitter CLI share it, so what
 * either stores expires alike.
 *
 * @example
 * createChatApp(options, { history: historyFromEnvironment({ HISTORY_MAX_LENGTH: '500' }) });
 */
export function historyFromEnvironment(
  env: NodeJS.ProcessEnv,
): NonNullable<ChatAppOptions['history']> {
  const parsed = HistoryEnvironment.parse(env);
  return {
    ...optional('retentionSeconds', parsed[APP_ENV.historyRetentionSeconds]),
    ...optional('maxLength', parsed[APP_ENV.historyMaxLength]),
  };
}

const Environment = z.object({
  [ENV.tableName]: z.string().check(z.minLength(1)),
  [ENV.callbackUrl]: z.url(),
  [ENV.deliverFunctionName]: z.optional(z.string().check(z.minLength(1))),
  [APP_ENV.privateRooms]: z.optional(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((text: string, context) => {
          try {
            return JSON.parse(text) as unknown;
          } catch {
            context.issues.push({
              code: 'custom',
              message: 'PRIVATE_ROOMS is not JSON',
              input: text,
            });
            return z.NEVER;
          }
        }),
      ),
      PrivateRooms,
    ),
  ),
  [APP_ENV.fanoutShardSize]: z.optional(z.coerce.number().check(z.int(), z.positive())),
  ...HistoryEnvironment.shape,
});

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

/**
 * The document client the chat uses unless one is injected: `dynamoDbClientConfig`, undefined
 * values dropped. `config` adds to it (an endpoint and credentials in tests).
 *
 * @example
 * const store = new DynamoDbMembershipStore({ tableName, client: createDynamoDbDocumentClient() });
 */
export function createDynamoDbDocumentClient(
  config: DynamoDBClientConfig = {},
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...dynamoDbClientConfig, ...config }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The AWS clients the chat runs on; each defaults to a client configured from the environment. */
export interface ChatRuntimeOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Default `createDynamoDbDocumentClient()`. */
  readonly dynamoDb?: DynamoDBDocumentClient;
  /** Default: one on `CALLBACK_URL` with `maxAttempts: 1`, as the delivery owns the retries. */
  readonly managementApi?: ApiGatewayManagementApiClient;
  readonly lambda?: LambdaClient;
  readonly logger?: Logger;
  /** The per-connection rate limit (default: the server's); `false` turns it off. */
  readonly rateLimit?: ServerOptions['rateLimit'];
  /** Where the core's counts and timings go. Default `createPowertoolsMetrics()`. */
  readonly metrics?: Metrics;
  /** Traces the AWS SDK clients, injected or not. Default: one for `apigw-chat` (off outside Lambda). */
  readonly tracer?: Tracer;
}

/** The chat server wired to AWS, and what the handlers share: logger, metrics, tracer. */
export interface ChatRuntime {
  readonly server: Server;
  readonly logger: Logger;
  /** The server's metrics; the handlers `publish()` them at the end of every invocation. */
  readonly metrics: PowertoolsChatMetrics;
  readonly tracer: Tracer;
}

/**
 * Builds the chat server on DynamoDB, the `@connections` API and asynchronous Lambda
 * invocation. Endpoints and credentials come from the environment (the SDK's own variables,
 * e.g. `AWS_ENDPOINT_URL_DYNAMODB` locally), so AWS and the local runtime share this code.
 * Every SDK client is wrapped with `tracer.captureAWSv3Client`, which does nothing while
 * tracing is off (outside Lambda, or `POWERTOOLS_TRACE_ENABLED=false`).
 *
 * @example
 * const { server } = createChatRuntime({ dynamoDb: DynamoDBDocumentClient.from(new DynamoDBClient({})) });
 */
export function createChatRuntime(options: ChatRuntimeOptions = {}): ChatRuntime {
  const env = Environment.parse(options.env ?? process.env);
  const logger = options.logger ?? new Logger({ serviceName: SERVICE_NAME });
  const metrics = new PowertoolsChatMetrics({ metrics: options.metrics });
  const tracer = options.tracer ?? new Tracer({ serviceName: SERVICE_NAME });
  const deliverFunction = env[ENV.deliverFunctionName];
  const lambda = deliverFunction
    ? tracer.captureAWSv3Client(options.lambda ?? new LambdaClient({}))
    : undefined;
  const shardSize = env[APP_ENV.fanoutShardSize];
  const dynamoDb = tracer.captureAWSv3Client(options.dynamoDb ?? createDynamoDbDocumentClient());
  const server = createChatApp(
    {
      logger,
      metrics,
      ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
      store: new DynamoDbMembershipStore({ tableName: env[ENV.tableName], client: dynamoDb }),
      messageLog: new DynamoDbMessageLog({ tableName: env[ENV.tableName], client: dynamoDb }),
      presence: new DynamoDbPresenceStore({ tableName: env[ENV.tableName], client: dynamoDb }),
      // The default client sends each request once: the delivery owns the retries.
      delivery: new ManagementApiDelivery({
        client: tracer.captureAWSv3Client(
          options.managementApi ??
            new ApiGatewayManagementApiClient({
              ...managementApiClientConfig,
              endpoint: env[ENV.callbackUrl],
            }),
        ),
      }),
      deferredDelivery:
        deliverFunction && lambda
          ? new LambdaDeferredDelivery({ functionName: deliverFunction, client: lambda })
          : noDeferredDelivery,
      // Without a deliver function (the deliver worker itself), every recipient is posted here.
      ...(deliverFunction && lambda
        ? {
            shardDispatcher: new LambdaShardDispatcher({
              functionName: deliverFunction,
              client: lambda,
            }),
          }
        : {}),
      ...(shardSize === undefined ? {} : { shardSize }),
    },
    {
      privateRooms: env[APP_ENV.privateRooms] ?? {},
      history: historyFromEnvironment(options.env ?? process.env),
    },
  );
  return { server, logger, metrics, tracer };
}

/** For functions the stack gives no deliver function to: handing frames over is a wiring error. */
const noDeferredDelivery: DeferredDelivery = {
  async deliverAfterConnect() {
    throw new Error(
      `${ENV.deliverFunctionName} is not set: this function cannot reach the deliver worker`,
    );
  },
};

let cached: ChatRuntime | undefined;

/** The runtime of this container, built on first use (once per cold start). */
export function defaultChatRuntime(): ChatRuntime {
  cached ??= createChatRuntime();
  return cached;
}

/** `{ [key]: value }`, or nothing when the value is undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
