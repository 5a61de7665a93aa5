import { Logger } from '@aws-lambda-powertools/logger';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createDynamoDbDocumentClient } from '../../lambdas/adapters/dynamodb-document-client';
import type { ChatRuntimeOptions } from '../../lambdas/handlers/chat-runtime';
import { FakeChatTable } from './fake-chat-table';

export const TABLE_NAME = 'apigw-chat-table';
export const CALLBACK_URL = 'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod';
export const WORKER_FUNCTION_NAME = 'apigw-chat-worker';

const region = 'us-east-1';
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

/**
 * The three AWS clients of the chat runtime mocked with `aws-sdk-client-mock`, the table
 * faked behind the DynamoDB mock, and the options to build a runtime on them.
 *
 * @example
 * const aws = mockChatAws();
 * aws.installForEachTest();
 * const connect = createConnectHandler(() => createChatRuntime(aws.runtimeOptions));
 */
export function mockChatAws() {
  const ddb = mockClient(DynamoDBDocumentClient);
  const apigw = mockClient(ApiGatewayManagementApiClient);
  const lambda = mockClient(LambdaClient);
  const table = new FakeChatTable(TABLE_NAME);
  const logger = new Logger({ serviceName: 'apigw-chat-test', logLevel: 'SILENT' });
  const runtimeOptions: ChatRuntimeOptions = {
    env: {
      TABLE_NAME,
      CALLBACK_URL,
      WORKER_FUNCTION_NAME,
    },
    dynamoDb: createDynamoDbDocumentClient({ region, credentials }),
    managementApi: new ApiGatewayManagementApiClient({
      region,
      credentials,
      endpoint: CALLBACK_URL,
    }),
    lambda: new LambdaClient({ region, credentials }),
    logger,
  };

  /** Empty table behind DynamoDB; every post answers 200, every invocation 202. */
  const install = (): void => {
    table.clear();
    table.attach(ddb);
    apigw.on(PostToConnectionCommand).resolves({});
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  };
  /** Forgets calls and behaviours; the next `install` starts over. */
  const reset = (): void => {
    ddb.reset();
    apigw.reset();
    lambda.reset();
  };

  return {
    ddb,
    apigw,
    lambda,
    table,
    logger,
    runtimeOptions,
    install,
    reset,
    /**
     * For every test of the calling `describe` (or file): `install` before it; after it, fails
     * the test if a ScanCommand was sent, then `reset`.
     */
    installForEachTest(): void {
      beforeEach(install);
      afterEach(() => {
        expect(ddb).not.toHaveReceivedCommand(ScanCommand);
        reset();
      });
    },
    /** Forgets the calls made so far (after a test's Prepare step), keeping the behaviours. */
    clearHistory(): void {
      if (ddb.commandCalls(ScanCommand).length > 0) throw new Error('A ScanCommand was sent');
      ddb.resetHistory();
      apigw.resetHistory();
      lambda.resetHistory();
    },
    /** Frames posted with PostToConnection, in call order. */
    posts(): { connectionId: string; data: string }[] {
      return apigw.commandCalls(PostToConnectionCommand).map((call) => ({
        connectionId: String(call.args[0].input.ConnectionId),
        data: String(call.args[0].input.Data),
      }));
    },
    /** Frames posted to one connection, parsed, in call order. */
    framesFor(connectionId: string): unknown[] {
      return apigw
        .commandCalls(PostToConnectionCommand, { ConnectionId: connectionId })
        .map((call) => JSON.parse(String(call.args[0].input.Data)));
    },
    /**
     * Names of the DynamoDB commands sent that write (BatchWrite, Put, Update, Delete,
     * TransactWrite) chat state; the per-user budget's counter updates (`budget#` items, one
     * per frame) are counted by `budgetWrites` instead.
     */
    writes(): string[] {
      const count = (name: string, calls: readonly unknown[]) => calls.map(() => name);
      const updates = ddb
        .commandCalls(UpdateCommand)
        .filter((call) => !isBudgetKey(call.args[0].input.Key));
      return [
        ...count('BatchWriteCommand', ddb.commandCalls(BatchWriteCommand)),
        ...count('PutCommand', ddb.commandCalls(PutCommand)),
        ...count('UpdateCommand', updates),
        ...count('DeleteCommand', ddb.commandCalls(DeleteCommand)),
        ...count('TransactWriteCommand', ddb.commandCalls(TransactWriteCommand)),
      ];
    },
    /** How many updates of per-user budget counters (`budget#` items) were sent. */
    budgetWrites(): number {
      return ddb.commandCalls(UpdateCommand).filter((call) => isBudgetKey(call.args[0].input.Key))
        .length;
    },
    /** `"<pk> <sk>"` of every key deleted (by Delete, BatchWrite or TransactWrite), in call order. */
    deletedKeys(): string[] {
      const keyOf = (key: Record<string, unknown> | undefined) => `${key?.pk} ${key?.sk}`;
      return ddb.calls().flatMap((call) => {
        const command = call.args[0];
        if (command instanceof DeleteCommand) return [keyOf(command.input.Key)];
        if (command instanceof TransactWriteCommand)
          return (command.input.TransactItems ?? []).flatMap((action) =>
            action.Delete ? [keyOf(action.Delete.Key)] : [],
          );
        if (command instanceof BatchWriteCommand)
          return (command.input.RequestItems?.[TABLE_NAME] ?? []).flatMap((request) =>
            request.DeleteRequest ? [keyOf(request.DeleteRequest.Key)] : [],
          );
        return [];
      });
    },
    /** The gone clean-ups handed to the worker (`kind: 'cleanup'` invocations), parsed. */
    cleanups(): {
      kind: 'cleanup';
      connectionIds?: string[];
      connectedBefore?: number;
      detached?: unknown[];
    }[] {
      return lambda
        .commandCalls(InvokeCommand)
        .map((call) => JSON.parse(String(call.args[0].input.Payload)))
        .filter((payload) => payload.kind === 'cleanup');
    },
  };
}

export type ChatAwsMocks = ReturnType<typeof mockChatAws>;

function isBudgetKey(key: Record<string, unknown> | undefined): boolean {
  return String(key?.pk ?? '').startsWith('budget#');
}
