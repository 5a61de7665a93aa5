/**
 * `npm start`: the chat on this machine. Starts DynamoDB Local with the chat table, then the
 * API Gateway emulator running the real Lambda handlers, and prints where to connect.
 *
 * @example
 * npm start -- --port 3001 --in-memory
 */
import { buildWeb } from '../web/build';
import { type LocalRuntime, startLocalRuntime } from './local-runtime';

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
  let runtime: LocalRuntime;
  try {
    const staticDir = await buildWeb({ logLevel: 'silent' });
    runtime = await startLocalRuntime({
      port: options.port,
      ...(options.inMemory ? {} : { dataDir: DATA_DIR }),
      stopDatabaseOnSignals: false,
      gateway: { staticDir },
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  onShutdown(() => runtime.close());

  const { gateway } = runtime;
  const storage = options.inMemory ? 'in memory' : `data in ${DATA_DIR}`;
  console.log(
    `DynamoDB Local: ${runtime.dynamoDbEndpoint} (table ${runtime.tableName}, ${storage})`,
  );
  console.log(`Chat page:      http://localhost:${gateway.port}/`);
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
