import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { historyFromEnvironment } from '../definitions/app-environment';
import { createDynamoDbDocumentClient } from '../lambdas/adapters/dynamodb-document-client';
import { DynamoDbMembershipStore } from '../lambdas/adapters/dynamodb-membership-store';
import { managementApiClientConfig } from '../lambdas/adapters/management-api-poster';
import { createChatApp } from '../lambdas/app/chat-app';
import { AckTimeoutError } from '../lambdas/core/errors';
import type { Server } from '../lambdas/core/server';
import { createEmitter } from '../lambdas/emitter/create-emitter';
import type { EmitTarget } from '../lambdas/emitter/emit-target';
import { type EmitCommand, parseCliArguments } from './emit-arguments';
import { type EmitConnection, resolveEmitConnection } from './emit-connection';
import { formatReport } from './format-report';
import { reachedNobody, unknownNamespace, whyNobody } from './nothing-matched';
import { lineLogger } from './stderr-logger';
import { EXIT, USAGE, UsageError } from './usage';

/** What the CLI reads and writes; `process`'s own by default in `bin/apigw-chat.ts`. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/**
 * Runs `apigw-chat` with `argv` (without `node` and the script) and resolves with the exit
 * status: 0 emitted, 1 some posts failed or AWS refused, 2 invalid arguments or settings,
 * 3 nothing matched (unknown namespace, no such connection, empty room: it says which).
 * Emits through the chat application's server (`createChatApp`), so what it pushes to
 * durable rooms is numbered and kept like any other message.
 *
 * @example
 * process.exitCode = await runCli(['emit', '--ns', '/notification', '--room', 'room1', 'hello', 'text'], io);
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: EmitCommand;
  let connection: EmitConnection;
  let history: ReturnType<typeof historyFromEnvironment>;
  try {
    const request = parseCliArguments(argv);
    if (request.kind === 'help') {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    command = request.command;
    connection = await resolveEmitConnection(command, io.env, io.cwd);
    history = readHistory(io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`apigw-chat: ${error.message}`);
    io.stderr('Run apigw-chat --help for usage.');
    return EXIT.usage;
  }
  return emit(command, connection, history, io);
}

/** The retention of HISTORY_* (as the stack sets it on the functions); a bad value is a usage error. */
function readHistory(env: NodeJS.ProcessEnv): ReturnType<typeof historyFromEnvironment> {
  try {
    return historyFromEnvironment(env);
  } catch {
    throw new UsageError(
      'HISTORY_RETENTION_SECONDS and HISTORY_MAX_LENGTH must be positive integers',
    );
  }
}

async function emit(
  command: EmitCommand,
  connection: EmitConnection,
  history: ReturnType<typeof historyFromEnvironment>,
  io: CliIo,
): Promise<number> {
  const aws = {
    ...(connection.region === undefined ? {} : { region: connection.region }),
    ...(connection.credentials === undefined ? {} : { credentials: connection.credentials }),
  };
  const dynamoDb = createDynamoDbDocumentClient({
    ...aws,
    ...(connection.dynamoDbEndpoint === undefined ? {} : { endpoint: connection.dynamoDbEndpoint }),
  });
  const managementApi = new ApiGatewayManagementApiClient({
    ...managementApiClientConfig,
    ...aws,
    endpoint: connection.callbackUrl,
  });
  try {
    const app: { server?: Server } = {};
    const emitter = createEmitter({
      tableName: connection.tableName,
      endpoint: connection.callbackUrl,
      dynamoDb,
      managementApi,
      // The app's settings, and the retention the stack gives its functions (HISTORY_* env).
      createServer: (options) => {
        app.server = createChatApp(options, { history });
        return app.server;
      },
      logger: lineLogger(io.stderr),
    });
    const unknown = unknownNamespace(command.namespace, app.server?.namespaceNames() ?? []);
    if (unknown !== undefined) {
      io.stderr(`apigw-chat: nothing matched: ${unknown}`);
      return EXIT.nothingMatched;
    }
    let target = emitter.of(command.namespace);
    const audience = [...command.rooms, ...command.connections];
    if (audience.length > 0) target = target.to(audience);
    if (command.except.length > 0) target = target.except(command.except);
    if (command.ackTimeoutMs !== undefined) {
      return await waitForAnswers(target, command, command.ackTimeoutMs, io);
    }
    const report = await target.emit(command.event, command.data);
    io.stdout(formatReport(command, report));
    if (report.failed > 0) return EXIT.failed;
    if (!reachedNobody(report)) return EXIT.ok;
    const store = new DynamoDbMembershipStore({
      tableName: connection.tableName,
      client: dynamoDb,
    });
    io.stderr(`apigw-chat: nothing matched: nobody received "${command.event}"`);
    for (const reason of await whyNobody(command, report, store)) io.stderr(`  ${reason}`);
    return EXIT.nothingMatched;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.stderr(
      `apigw-chat: ${reason} (table ${connection.tableName}, settings from ${connection.source})`,
    );
    return EXIT.failed;
  } finally {
    dynamoDb.destroy();
    managementApi.destroy();
  }
}

/**
 * `--ack <ms>`: emits asking every recipient for an answer and prints the answers (one JSON
 * value per line, or `{"responses", "complete"}` with `--json`). Exit 0 when all answered,
 * 1 when the wait ran out (the answers that came are printed all the same).
 */
async function waitForAnswers(
  target: EmitTarget,
  command: EmitCommand,
  timeoutMs: number,
  io: CliIo,
): Promise<number> {
  const { responses, complete } = await target
    .timeout(timeoutMs)
    .emitWithAck(command.event, command.data)
    .then(
      (all) => ({ responses: all, complete: true }),
      (error: unknown) => {
        if (!(error instanceof AckTimeoutError)) throw error;
        return { responses: [...error.responses], complete: false };
      },
    );
  if (command.json) io.stdout(JSON.stringify({ responses, complete }));
  else for (const response of responses) io.stdout(JSON.stringify(response));
  if (complete) return EXIT.ok;
  io.stderr(
    `apigw-chat: not every recipient answered within ${timeoutMs} ms (${responses.length} did)`,
  );
  return EXIT.failed;
}
