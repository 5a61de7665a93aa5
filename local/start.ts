/**
 * `npm start`: the chat on this machine. Starts DynamoDB Local with the chat table, then the
 * API Gateway emulator running the real Lambda handlers (the `$connect` authorizer included)
 * and the local OIDC issuer the page signs in with, and prints where to connect, with
 * ready-to-paste wscat lines carrying tokens.
 *
 * @example
 * npm start -- --port 3001 --in-memory
 * npm start -- --anonymous    # no tokens: everyone connects as a guest
 * npm start -- --data-dir /tmp/chat-data --drop-disconnects 0.3
 */

import { relative } from 'node:path';
import { LOCAL_DISCOVERY_ENV, LOCAL_DISCOVERY_FILE } from '../cli/local-discovery';
import { NEST_MODULE_PATTERN } from '../definitions/nest-module';
import { errorMessage } from '../lambdas/core/error-fields';
import { buildWeb } from '../web/build';
import { asksForHelp } from './asks-for-help';
import type { LocalAuth } from './local-auth';
import { type LocalRuntime, startLocalRuntime } from './local-runtime';
import { ISSUER_KEYS_FILE, type IssuerKeys, loadIssuerKeys } from './oidc/issuer-keys';
import { watchIssuerKeys } from './oidc/issuer-keys-watcher';
import { START_USAGE } from './start-usage';

const DATA_DIR = '.data/dynamodb';
const DEFAULT_PORT = 3001;
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** Signals this soon after the first are copies of it, not a second Ctrl-C. */
const REPEAT_WINDOW_MS = 1_000;

interface StartOptions {
  readonly port: number;
  readonly inMemory: boolean;
  /** Where DynamoDB Local keeps the table unless `inMemory`. Default `.data/dynamodb`. */
  readonly dataDir: string;
  /** No tokens: the authorizer gives every connection a guest identity. */
  readonly anonymous: boolean;
  /** The share (0 to 1) of `$disconnect` events the gateway drops, as AWS may. Default 0. */
  readonly dropDisconnects: number;
  /** `<file>#<ExportName>` of a Nest module whose gateways run instead of the chat. */
  readonly nest: string | undefined;
}

const USAGE =
  'Usage: npm start -- [--port N] [--in-memory | --data-dir DIR] [--anonymous] [--drop-disconnects SHARE] [--nest FILE#MODULE] (--help for more)';

/** The line `npm start -- --anonymous` prints first, so nobody mistakes it for a secured chat. */
export const ANONYMOUS_WARNING =
  'WARNING: anonymous mode (--anonymous): anyone can connect without a token, as a guest.';

/**
 * Reads `--port N` (or `PORT`, default 3001), `--in-memory`, `--data-dir DIR`, `--anonymous`,
 * `--drop-disconnects SHARE` (0 to 1) and `--nest FILE#MODULE`; `--flag=value` works too.
 *
 * @example
 * parseArguments(['--port', '4000', '--in-memory'], {}); // { port: 4000, inMemory: true, anonymous: false, dataDir: '.data/dynamodb', dropDisconnects: 0, nest: undefined }
 */
export function parseArguments(args: readonly string[], env: NodeJS.ProcessEnv): StartOptions {
  let port = env.PORT === undefined ? DEFAULT_PORT : parsePort(env.PORT);
  let inMemory = false;
  let anonymous = false;
  let dataDir = DATA_DIR;
  let dropDisconnects = 0;
  let nest: string | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const [flag, inline] = (args[index] as string).split(/=(.*)/s, 2) as [string, string?];
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      index += 1;
      return args[index];
    };
    if (flag === '--in-memory' && inline === undefined) inMemory = true;
    else if (flag === '--anonymous' && inline === undefined) anonymous = true;
    else if (flag === '--port') port = parsePort(value());
    else if (flag === '--data-dir') dataDir = parseDataDir(value());
    else if (flag === '--drop-disconnects') dropDisconnects = parseShare(value());
    else if (flag === '--nest') nest = parseNest(value());
    else throw new Error(`Unknown argument: ${args[index]}. ${USAGE}`);
  }
  return { port, inMemory, anonymous, dataDir, dropDisconnects, nest };
}

function parseNest(value: string | undefined): string {
  if (!value || !NEST_MODULE_PATTERN.test(value))
    throw new Error(`Invalid --nest: ${value} (a module as <file>#<ExportName>). ${USAGE}`);
  return value;
}

function parseDataDir(value: string | undefined): string {
  if (!value) throw new Error(`--data-dir needs a directory. ${USAGE}`);
  return value;
}

function parseShare(value: string | undefined): number {
  const share = Number(value);
  if (value === undefined || value === '' || !(share >= 0 && share <= 1))
    throw new Error(`Invalid --drop-disconnects: ${value} (a share between 0 and 1)`);
  return share;
}

function parsePort(value: string | undefined): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`Invalid port: ${value}`);
  return port;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (asksForHelp(args)) {
    process.stdout.write(START_USAGE);
    return;
  }
  const options = parseArguments(args, process.env);
  let runtime: LocalRuntime;
  let keys: IssuerKeys | undefined;
  try {
    const staticDir = await buildWeb({ logLevel: 'silent' });
    keys = options.anonymous ? undefined : await loadIssuerKeys();
    const auth: LocalAuth = keys ? { mode: 'oidc', keys } : { mode: 'anonymous' };
    runtime = await startLocalRuntime({
      auth,
      port: options.port,
      ...(options.inMemory ? {} : { dataDir: options.dataDir }),
      stopDatabaseOnSignals: false,
      discoveryFile: process.env[LOCAL_DISCOVERY_ENV] || LOCAL_DISCOVERY_FILE,
      gateway: { staticDir, dropDisconnects: options.dropDisconnects },
      ...(options.nest === undefined ? {} : { context: { nestModule: options.nest } }),
      watch: true,
    });
  } catch (error) {
    console.error(errorMessage(error));
    process.exit(1);
  }
  const { issuer: localIssuer } = runtime;
  const stopWatchingKeys =
    keys && localIssuer
      ? await watchIssuerKeys(
          keys,
          (next) => localIssuer.rotateKeys(next),
          (message) => console.log(message),
        )
      : undefined;
  onShutdown(async () => {
    stopWatchingKeys?.();
    await runtime.close();
  });

  const { gateway } = runtime;
  if (runtime.auth?.mode === 'anonymous') console.log(ANONYMOUS_WARNING);
  const storage = options.inMemory ? 'in memory' : `data in ${options.dataDir}`;
  console.log(
    `DynamoDB Local: ${runtime.dynamoDbEndpoint} (table ${runtime.tableName}, ${storage})`,
  );
  if (options.nest === undefined) console.log(`Chat page:      http://localhost:${gateway.port}/`);
  else
    console.log(
      `Nest gateways:  ${options.nest} in the connect, disconnect and message functions (instead of the chat's namespaces; the chat page does not speak to them)`,
    );
  console.log(`WebSocket URL:  ${gateway.url}`);
  console.log(`Management URL: ${gateway.managementUrl}`);
  console.log(`Over TLS:       ${gateway.secureUrl} ${gateway.secureManagementUrl} (self-signed)`);
  if (options.dropDisconnects > 0) {
    console.log(
      `Faults:         ${options.dropDisconnects * 100}% of $disconnect events dropped (--drop-disconnects)`,
    );
  }
  const base = `ws://localhost:${gateway.port}/${gateway.stage}?ns=/`;
  const { issuer } = runtime;
  if (issuer) {
    console.log(`Auth:           tokens required (RS256, local OIDC issuer ${issuer.issuer})`);
    console.log(`                the page signs in there; its key is in ${ISSUER_KEYS_FILE}`);
    console.log(`Tokens:         npm run token -- --user <id> [--name "<name>"] [--expires 12h]`);
    for (const [user, name] of [
      ['alice', 'Alice'],
      ['bob', 'Bob'],
    ] as const) {
      const token = await issuer.signToken({ user, name });
      console.log(`Try it (${user}): npx wscat -c '${base}' -s apigw-chat -s 'token.${token}'`);
    }
  } else {
    console.log('Auth:           anonymous (no token needed)');
    console.log(`Try it:         npx wscat -c '${base}'`);
  }
  if (options.nest === undefined)
    console.log(`Emit:           npx apigw-chat emit --ns /notification --room room1 hello "text"`);
  console.log(
    'Functions:      each in containers of its own, as the template sets them (cold start on first use)',
  );
  console.log(
    `Reload:         watching ${runtime.watching.map((dir) => `${relative(process.cwd(), dir)}/`).join(', ')}: changed handler code runs in new containers, open sockets stay open (stack changes need a restart)`,
  );
  console.log('ready');
}

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits 0. One Ctrl-C can arrive more than once
 * (the terminal signals the whole group, and npm forwards it again), so repeats within
 * `REPEAT_WINDOW_MS` are the same request; a signal after that exits at once.
 */
function onShutdown(stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handle = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < REPEAT_WINDOW_MS) return;
      console.error(`${signal} again: exiting without waiting for the shutdown`);
      process.exit(1);
    }
    stoppingSince = Date.now();
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
    console.error(errorMessage(error));
    process.exit(1);
  });
}
