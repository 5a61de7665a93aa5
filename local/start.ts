/**
 * `npm start`: the chat on this machine. Starts DynamoDB Local with the chat table, then the
 * API Gateway emulator running the real Lambda handlers, and prints where to connect.
 *
 * @example
 * npm start -- --port 3001 --in-memory
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createChatTable, type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import { type Gateway, LOCAL_AWS, loadHandlers, startGateway } from './gateway';

const TABLE_NAME = 'apigw-chat-local';
const DATA_DIR = '.data/dynamodb';
const DEFAULT_PORT = 3001;
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

interface StartOptions {
  readonly port: number;
  readonly inMemory: boolean;
}

/**
 * Reads `--port N` (or `PORT`, default 3001) and `--in-memory`.
 *
 * @example
 * parseArguments(['--port', '4000', '--in-memory'], {}); // { port: 4000, inMemory: true }
 */
export function parseArguments(args: readonly string[], env: NodeJS.ProcessEnv): StartOptions {
  let port = env.PORT === undefined ? DEFAULT_PORT : parsePort(env.PORT);
  let inMemory = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--in-memory') inMemory = true;
    else if (arg === '--port') {
      index += 1;
      port = parsePort(args[index]);
    } else if (arg?.startsWith('--port=')) port = parsePort(arg.slice('--port='.length));
    else throw new Error(`Unknown argument: ${arg}. Usage: npm start -- [--port N] [--in-memory]`);
  }
  return { port, inMemory };
}

function parsePort(value: string | undefined): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`Invalid port: ${value}`);
  return port;
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2), process.env);
  let db: DynamoDbLocal;
  try {
    // This process owns shutdown: it closes the gateway (whose $disconnect handlers still need
    // DynamoDB Local) before stopping the database, so the database's own signal hooks, which
    // kill Java at once, are dropped. Its exit hook still kills Java if this process dies.
    db = await withoutNewSignalListeners(() =>
      startDynamoDbLocal(options.inMemory ? {} : { dataDir: DATA_DIR }),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  let gateway: Gateway | undefined;
  onShutdown(async () => {
    await gateway?.close();
    await db.stop();
  });

  // The handlers' region and credentials: DynamoDB Local keeps one database per pair.
  const client = new DynamoDBClient({ endpoint: db.endpoint, ...LOCAL_AWS });
  await createChatTable({ client, tableName: TABLE_NAME });
  client.destroy();

  gateway = await startGateway({ port: options.port, region: LOCAL_AWS.region });
  gateway.register(
    await loadHandlers({
      tableName: TABLE_NAME,
      dynamoDbEndpoint: db.endpoint,
      managementUrl: gateway.managementUrl,
      lambdaUrl: gateway.lambdaUrl,
    }),
  );

  const storage = options.inMemory ? 'in memory' : `data in ${DATA_DIR}`;
  console.log(`DynamoDB Local: ${db.endpoint} (table ${TABLE_NAME}, ${storage})`);
  console.log(`WebSocket URL:  ${gateway.url}`);
  console.log(`Management URL: ${gateway.managementUrl}`);
  console.log(
    `Try it:         npx wscat -c 'ws://localhost:${gateway.port}/${gateway.stage}?ns=/'`,
  );
  console.log('ready');
}

/** Runs `stop` once on SIGINT/SIGTERM, then exits 0; a second signal exits at once. */
function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: closing connections and stopping DynamoDB Local`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed', error);
        process.exit(1);
      },
    );
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, handle);
}

/** Runs `start`, then removes the SIGINT/SIGTERM listeners it added (and only those). */
async function withoutNewSignalListeners<T>(start: () => Promise<T>): Promise<T> {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const result = await start();
  for (const signal of SHUTDOWN_SIGNALS) {
    const added = process
      .listeners(signal)
      .filter((listener) => !before.get(signal)?.includes(listener));
    for (const listener of added) process.removeListener(signal, listener);
  }
  return result;
}

/** A handler's stray promise or callback must not take the whole emulator down. */
function keepRunningOnStrayErrors(): void {
  process.on('unhandledRejection', (reason) =>
    console.error('Unhandled rejection in a handler:', reason),
  );
  process.on('uncaughtException', (error) =>
    console.error('Uncaught exception in a handler:', error),
  );
}

if (require.main === module) {
  keepRunningOnStrayErrors();
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
