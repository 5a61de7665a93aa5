import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAckStore } from '../adapters/dynamodb-ack-store';
import { createDynamoDbDocumentClient } from '../adapters/dynamodb-document-client';
import { DynamoDbMembershipStore } from '../adapters/dynamodb-membership-store';
import { DynamoDbMessageLog } from '../adapters/dynamodb-message-log';
import { DynamoDbPresenceStore } from '../adapters/dynamodb-presence-store';
import { regionOfEndpoint } from '../adapters/endpoint-region';
import { ManagementApiPoster, managementApiClientConfig } from '../adapters/management-api-poster';
import { noAfterConnectDispatcher } from '../adapters/no-after-connect-dispatcher';
import { InMemorySessionStore } from '../core/in-memory-session-store';
import { InMemoryUserLimitStore } from '../core/in-memory-user-limit-store';
import type { CoreLogger } from '../core/logger';
import type { MessageLog, PresenceStore } from '../core/ports';
import { Server, type ServerOptions } from '../core/server';
import { type EmitTarget, OperatorTarget, type Rooms } from './emit-target';
import { EmitterSchemas, parseInput } from './emitter-schemas';

/**
 * What the emitter gives the server it runs on: the DynamoDB membership store, history and
 * presence, the `@connections` delivery, and no after-connect dispatcher or shard dispatcher.
 */
export type EmitterServerOptions = ServerOptions & {
  readonly messageLog: MessageLog;
  readonly presence: PresenceStore;
};

export interface EmitterOptions {
  /** The chat's table: the stack's `TableName` output. */
  readonly tableName: string;
  /** The stage's `@connections` endpoint: the stack's `CallbackUrl` output. */
  readonly endpoint: string;
  /**
   * Default `createDynamoDbDocumentClient()` in the region the endpoint's host names (the
   * stack keeps table and stage together), else the environment's; credentials from the
   * environment.
   */
  readonly dynamoDb?: DynamoDBDocumentClient;
  /**
   * Default: a client on `endpoint`, in the region its host names, that sends each request
   * once (the poster owns the retries). A client passed in should do the same.
   */
  readonly managementApi?: ApiGatewayManagementApiClient;
  /**
   * Builds the core server the emitter runs on. Default `(options) => new Server(options)`;
   * pass the application's factory (`createChatApp`) so that its namespace settings, such as
   * durable rooms that number and store messages, apply to what the emitter sends, and
   * connections it finds gone leave presence-tracked rooms as they should.
   */
  readonly createServer?: (options: EmitterServerOptions) => Server;
  /** Where partial deliveries and failed posts are reported. Default: nowhere. */
  readonly logger?: CoreLogger;
}

/**
 * Emits to the chat's connections from outside the chat. Its own `to`, `in`, `except` and
 * `emit` target namespace `/`.
 */
export interface Emitter extends EmitTarget {
  /** The namespace of that name (validated: `/` then letters, digits and `_ - . /`). */
  of(namespace: string): EmitTarget;
}

/**
 * An emitter for any backend allowed to read the chat's table and post to its stage (the
 * stack's `EmitterPolicyArn`), or for the local runtime. It runs on the core `Server` with the
 * DynamoDB membership store and the `@connections` delivery: audiences are read with Queries,
 * posts run in parallel, and connections found gone are removed.
 *
 * @example
 * const emitter = createEmitter({ tableName: 'ApigwChat-Table', endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod' });
 * const report = await emitter.of('/notification').to('room1').except(connectionId).emit('hello', 'text');
 */
export function createEmitter(options: EmitterOptions): Emitter {
  const tableName = parseInput(EmitterSchemas.tableName, options.tableName, 'table name');
  const endpoint = parseInput(EmitterSchemas.endpoint, options.endpoint, 'endpoint');
  const region = regionOfEndpoint(endpoint);
  const createServer = options.createServer ?? ((serverOptions) => new Server(serverOptions));
  const dynamoDb =
    options.dynamoDb ?? createDynamoDbDocumentClient(region === undefined ? {} : { region });
  const server = createServer({
    store: new DynamoDbMembershipStore({ tableName, client: dynamoDb }),
    messageLog: new DynamoDbMessageLog({ tableName, client: dynamoDb }),
    presence: new DynamoDbPresenceStore({ tableName, client: dynamoDb }),
    ackStore: new DynamoDbAckStore({ tableName, client: dynamoDb }),
    // It runs no $connect, heartbeat or client frame, so it opens no Engine.IO session and
    // charges no user; it may not touch users' limits (`EMITTER_TABLE_ACCESS`): a connection
    // it finds gone frees its user's slot at that user's next connect (`UserLimits.admit`).
    sessions: new InMemorySessionStore(),
    limitStore: new InMemoryUserLimitStore(),
    poster: new ManagementApiPoster({
      client:
        options.managementApi ??
        new ApiGatewayManagementApiClient({
          ...managementApiClientConfig,
          endpoint,
          ...(region === undefined ? {} : { region }),
        }),
    }),
    // It never runs a $connect, so it never has frames for a connection not open yet.
    afterConnectDispatcher: noAfterConnectDispatcher(
      'The emitter',
      "only the chat's connect handler does",
    ),
    rateLimit: false,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const of = (namespace: string): EmitTarget =>
    new OperatorTarget(
      server.of(parseInput(EmitterSchemas.namespace, namespace, 'namespace')).to([]),
    );
  const root = of('/');
  return {
    of,
    to: (rooms: Rooms) => root.to(rooms),
    in: (rooms: Rooms) => root.in(rooms),
    except: (rooms: Rooms) => root.except(rooms),
    emit: (event: string, data?: unknown) => root.emit(event, data),
    emitWithAck: (event: string, data?: unknown) => root.emitWithAck(event, data),
    timeout: (ms: number) => root.timeout(ms),
  };
}
