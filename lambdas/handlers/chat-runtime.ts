import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { APP_ENV, ENV } from '../../definitions/api';
import {
  AppEnvironment,
  greetingIntervalFromEnvironment,
  heartbeatFromEnvironment,
  historyFromEnvironment,
  maxRoomsFromEnvironment,
  userLimitsFromEnvironment,
} from '../../definitions/app-environment';
import { SERVICE_NAME } from '../../definitions/metrics';
import { DynamoDbAckStore } from '../adapters/dynamodb-ack-store';
import { createDynamoDbDocumentClient } from '../adapters/dynamodb-document-client';
import { DynamoDbMembershipStore } from '../adapters/dynamodb-membership-store';
import { DynamoDbMessageLog } from '../adapters/dynamodb-message-log';
import { DynamoDbPresenceStore } from '../adapters/dynamodb-presence-store';
import { DynamoDbRecoveryStore } from '../adapters/dynamodb-recovery-store';
import { DynamoDbSessionStore } from '../adapters/dynamodb-session-store';
import { DynamoDbUserLimitStore } from '../adapters/dynamodb-user-limit-store';
import { regionOfEndpoint } from '../adapters/endpoint-region';
import { LambdaAfterConnectDispatcher } from '../adapters/lambda-after-connect-dispatcher';
import { LambdaCleanupDispatcher } from '../adapters/lambda-cleanup-dispatcher';
import { LambdaShardDispatcher } from '../adapters/lambda-shard-dispatcher';
import { ManagementApiCloser } from '../adapters/management-api-closer';
import { createManagementApiClient, ManagementApiPoster } from '../adapters/management-api-poster';
import { noAfterConnectDispatcher } from '../adapters/no-after-connect-dispatcher';
import { PowertoolsChatMetrics } from '../adapters/powertools-metrics';
import { createLambdaClient, onFirstUse } from '../adapters/sdk-on-first-use';
import { SignedConnectionPoster } from '../adapters/signed-connection-poster';
import { type ChatAppOptions, type ChatAppServerOptions, createChatApp } from '../app/chat-app';
import type { Server, ServerOptions } from '../core/server';
import * as z from '../core/zod';

const Environment = z.extend(AppEnvironment, {
  [ENV.tableName]: z.string().check(z.minLength(1)),
  // The stage's https:// URL, or the emulator's http:// one; the poster parses it with URL.
  [ENV.callbackUrl]: z.string().check(z.regex(/^https?:\/\/[^\s/]+\/\S*$/)),
  [ENV.workerFunctionName]: z.optional(z.string().check(z.minLength(1))),
  /** Set by Lambda: the worker, which has no WORKER_FUNCTION_NAME, hands clean-ups to itself. */
  AWS_LAMBDA_FUNCTION_NAME: z.optional(z.string().check(z.minLength(1))),
});

/** The AWS clients the chat runs on; each defaults to a client configured from the environment. */
export interface ChatRuntimeOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Default `createDynamoDbDocumentClient()`. */
  readonly dynamoDb?: DynamoDBDocumentClient;
  /**
   * Default: one on `CALLBACK_URL` with `maxAttempts: 1`, as the closer owns the retries,
   * created on the first close; posts take the lean path (`SignedConnectionPoster`), signed
   * for the region of `CALLBACK_URL`'s `execute-api` host (else the DynamoDB client's) with
   * the DynamoDB client's credentials (the function's, from the environment). A client
   * passed in is used for posts too (e.g. a mock).
   */
  readonly managementApi?: ApiGatewayManagementApiClient;
  /** Default: one of the environment, created on the first invocation of another function. */
  readonly lambda?: LambdaClient;
  readonly logger?: Logger;
  /**
   * The per-connection rate limit (default: `RATE_LIMIT_CAPACITY` and
   * `RATE_LIMIT_REFILL_PER_SECOND`, else the server's); `false` turns it off.
   */
  readonly rateLimit?: ServerOptions['rateLimit'];
  /** The per-user limits (default: from the environment, else the server's defaults). */
  readonly userLimits?: ServerOptions['userLimits'];
  /** Where the core's counts and timings go. Default `createPowertoolsMetrics()`. */
  readonly metrics?: Metrics;
  /** Traces the AWS SDK clients, injected or not. Default: one for `apigw-chat` (off outside Lambda). */
  readonly tracer?: Tracer;
  /**
   * Builds the application on the wired server options: your namespaces instead of the
   * chat's. Default `createChatApp`.
   */
  readonly app?: (options: ChatAppServerOptions, settings: ChatAppOptions) => Server;
}

/** The chat server wired to AWS, and what the handlers share: logger, metrics, tracer. */
export interface ChatRuntime {
  readonly server: Server;
  readonly logger: Logger;
  /** The server's metrics; the handlers `publish()` them at the end of every invocation. */
  readonly metrics: PowertoolsChatMetrics;
  readonly tracer: Tracer;
  /**
   * The Lambda client the server invokes workers with (the clean-up worker hands on with it
   * too), created on first call: most invocations invoke nothing, and need not load its package.
   */
  readonly lambda: () => LambdaClient;
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
  // Traced per invocation and per SDK call, not per HTTP request: a fan-out's posts would
  // each add a subsegment (and CPU).
  const tracer =
    options.tracer ?? new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });
  const deliverFunction = env[ENV.workerFunctionName];
  const lambda = onFirstUse(() =>
    tracer.captureAWSv3Client(options.lambda ?? createLambdaClient()),
  );
  // Gone clean-ups run in the worker; the worker itself hands them to a new invocation of itself.
  const cleanupFunction = deliverFunction ?? env.AWS_LAMBDA_FUNCTION_NAME;
  const shardSize = env[APP_ENV.fanoutShardSize];
  const capacity = env[APP_ENV.rateLimitCapacity];
  const refillPerSecond = env[APP_ENV.rateLimitRefillPerSecond];
  const rateLimit =
    options.rateLimit ??
    (capacity === undefined && refillPerSecond === undefined
      ? undefined
      : { capacity: capacity ?? 20, refillPerSecond: refillPerSecond ?? 10 });
  const dynamoDb = tracer.captureAWSv3Client(options.dynamoDb ?? createDynamoDbDocumentClient());
  // The default client sends each request once: the poster and closer own the retries.
  const managementApi = onFirstUse(() =>
    tracer.captureAWSv3Client(
      options.managementApi ?? createManagementApiClient(env[ENV.callbackUrl]),
    ),
  );
  // Posts take the lean path, signed for the API's region as the function's role (the
  // DynamoDB client resolves the credentials from the same environment); a client passed in
  // (a test's mock) is posted through.
  const poster = options.managementApi
    ? new ManagementApiPoster({ client: managementApi })
    : new SignedConnectionPoster({
        endpoint: env[ENV.callbackUrl],
        region: regionOfEndpoint(env[ENV.callbackUrl]) ?? dynamoDb.config.region,
        credentials: dynamoDb.config.credentials,
      });
  const server = (options.app ?? createChatApp)(
    {
      logger,
      metrics,
      ...(rateLimit === undefined ? {} : { rateLimit }),
      store: new DynamoDbMembershipStore({ tableName: env[ENV.tableName], client: dynamoDb }),
      messageLog: new DynamoDbMessageLog({ tableName: env[ENV.tableName], client: dynamoDb }),
      presence: new DynamoDbPresenceStore({ tableName: env[ENV.tableName], client: dynamoDb }),
      limitStore: new DynamoDbUserLimitStore({ tableName: env[ENV.tableName], client: dynamoDb }),
      userLimits: options.userLimits ?? userLimitsFromEnvironment(options.env ?? process.env),
      ...optionalMaxRooms(maxRoomsFromEnvironment(options.env ?? process.env)),
      poster,
      closer: new ManagementApiCloser({ client: managementApi }),
      ackStore: new DynamoDbAckStore({ tableName: env[ENV.tableName], client: dynamoDb }),
      sessions: new DynamoDbSessionStore({ tableName: env[ENV.tableName], client: dynamoDb }),
      // Socket.IO clients get their sockets back after a short disconnection (2 minutes).
      connectionStateRecovery: {},
      recoveries: new DynamoDbRecoveryStore({ tableName: env[ENV.tableName], client: dynamoDb }),
      heartbeat: heartbeatFromEnvironment(options.env ?? process.env),
      afterConnectDispatcher: deliverFunction
        ? new LambdaAfterConnectDispatcher({ functionName: deliverFunction, client: lambda })
        : // For functions the stack gives no worker function to, handing frames over is a wiring error.
          noAfterConnectDispatcher('This function', `${ENV.workerFunctionName} is not set`),
      // Without a worker function (the worker itself), every recipient is posted here.
      ...(deliverFunction
        ? {
            shardDispatcher: new LambdaShardDispatcher({
              functionName: deliverFunction,
              client: lambda,
            }),
          }
        : {}),
      ...(cleanupFunction === undefined
        ? {}
        : {
            cleanupDispatcher: new LambdaCleanupDispatcher({
              functionName: cleanupFunction,
              client: lambda,
            }),
          }),
      ...(shardSize === undefined ? {} : { shardSize }),
    },
    {
      privateRooms: env[APP_ENV.privateRooms] ?? {},
      history: historyFromEnvironment(options.env ?? process.env),
      greetingIntervalSeconds: greetingIntervalFromEnvironment(options.env ?? process.env),
    },
  );
  return { server, logger, metrics, tracer, lambda };
}

/** `{ maxRoomsPerSocket }` when the environment sets it: the server's default otherwise. */
function optionalMaxRooms(maxRoomsPerSocket: number | undefined) {
  return maxRoomsPerSocket === undefined ? {} : { maxRoomsPerSocket };
}

let cached: ChatRuntime | undefined;

/** The runtime of this container, built on first use (once per cold start). */
export function defaultChatRuntime(): ChatRuntime {
  cached ??= createChatRuntime();
  return cached;
}
