import { Logger } from '@aws-lambda-powertools/logger';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ENV } from '../../lib/api-definition';
import { DynamoDbMembershipStore } from '../adapters/dynamodb-membership-store';
import { LambdaDeferredDelivery } from '../adapters/lambda-deferred-delivery';
import { ManagementApiDelivery } from '../adapters/management-api-delivery';
import { createChatApp } from '../app/chat-app';
import type { Server } from '../core/server';

const Environment = z.object({
  [ENV.tableName]: z.string().min(1),
  [ENV.callbackUrl]: z.url(),
  [ENV.deliverFunctionName]: z.string().min(1).optional(),
});

/** The AWS clients the chat runs on; each defaults to a client configured from the environment. */
export interface ChatRuntimeOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly dynamoDb?: DynamoDBDocumentClient;
  readonly managementApi?: ApiGatewayManagementApiClient;
  readonly lambda?: LambdaClient;
  readonly logger?: Logger;
}

/** The chat server wired to AWS, and the logger the handlers share. */
export interface ChatRuntime {
  readonly server: Server;
  readonly logger: Logger;
}

/**
 * Builds the chat server on DynamoDB, the `@connections` API and asynchronous Lambda
 * invocation. Endpoints and credentials come from the environment (the SDK's own variables,
 * e.g. `AWS_ENDPOINT_URL_DYNAMODB` locally), so AWS and the local runtime share this code.
 *
 * @example
 * const { server } = createChatRuntime({ dynamoDb: DynamoDBDocumentClient.from(new DynamoDBClient({})) });
 */
export function createChatRuntime(options: ChatRuntimeOptions = {}): ChatRuntime {
  const env = Environment.parse(options.env ?? process.env);
  const logger = options.logger ?? new Logger({ serviceName: 'apigw-chat' });
  const deliverFunction = env[ENV.deliverFunctionName];
  const server = createChatApp({
    logger,
    store: new DynamoDbMembershipStore({
      tableName: env[ENV.tableName],
      client:
        options.dynamoDb ??
        DynamoDBDocumentClient.from(new DynamoDBClient({}), {
          marshallOptions: { removeUndefinedValues: true },
        }),
    }),
    delivery: new ManagementApiDelivery({
      client:
        options.managementApi ??
        new ApiGatewayManagementApiClient({ endpoint: env[ENV.callbackUrl] }),
    }),
    deferredDelivery: new LambdaDeferredDelivery({
      functionName: deliverFunction ?? 'deliver-function-not-configured',
      client: options.lambda ?? new LambdaClient({}),
    }),
  });
  return { server, logger };
}

let cached: ChatRuntime | undefined;

/** The runtime of this container, built on first use (once per cold start). */
export function defaultChatRuntime(): ChatRuntime {
  cached ??= createChatRuntime();
  return cached;
}
