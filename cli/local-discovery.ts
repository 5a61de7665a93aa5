import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as z from '../lambdas/core/zod';

const DISCOVERY_DIR = '.apigw-chat';

/** Where `npm start` announces the local runtime, relative to the repository root. */
export const LOCAL_DISCOVERY_FILE = join(DISCOVERY_DIR, 'local.json');

/** Names another discovery file, for `npm start` to write and `apigw-chat` to read. */
export const LOCAL_DISCOVERY_ENV = 'APIGW_CHAT_LOCAL_FILE';

/** What an emitter needs to reach the local runtime, and who wrote it. */
export const LocalDiscovery = z.object({
  tableName: z.string().check(z.minLength(1)),
  /** The emulator's `@connections` endpoint. */
  callbackUrl: z.url({ protocol: /^https?$/ }),
  dynamoDbEndpoint: z.url({ protocol: /^https?$/ }),
  region: z.string().check(z.minLength(1)),
  /** The static credentials the local functions use (DynamoDB Local accepts any). */
  credentials: z.object({
    accessKeyId: z.string().check(z.minLength(1)),
    secretAccessKey: z.string().check(z.minLength(1)),
  }),
  /** The process running the runtime: a file whose writer is gone is stale. */
  pid: z.int().check(z.positive()),
});

export type LocalDiscovery = z.infer<typeof LocalDiscovery>;

/** A discovery file found on disk, and whether the process that wrote it still runs. */
export interface FoundLocalDiscovery {
  readonly file: string;
  readonly discovery: LocalDiscovery;
  readonly running: boolean;
}

/**
 * Writes the discovery file (creating its directory); the local runtime calls it once it serves.
 *
 * @example
 * await writeLocalDiscovery('.apigw-chat/local.json', { tableName, callbackUrl, dynamoDbEndpoint, region, credentials, pid: process.pid });
 */
export async function writeLocalDiscovery(file: string, discovery: LocalDiscovery): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(LocalDiscovery.parse(discovery), null, 2)}\n`);
}

/**
 * Removes the discovery file if process `pid` wrote it, so a runtime that stops does not
 * remove the file of another one started since, and then `.apigw-chat/` if that leaves it
 * empty. Missing or unreadable files are ignored.
 *
 * @example
 * await removeLocalDiscovery('.apigw-chat/local.json');
 */
export async function removeLocalDiscovery(file: string, pid = process.pid): Promise<void> {
  const discovery = await readLocalDiscovery(file).catch(() => undefined);
  if (discovery?.pid !== pid) return;
  await rm(file, { force: true });
  if (basename(dirname(file)) === DISCOVERY_DIR) await rmdir(dirname(file)).catch(() => undefined);
}

/**
 * Reads and validates a discovery file; `undefined` when there is none. Rejects when it
 * exists but is not a valid discovery file.
 *
 * @example
 * const local = await readLocalDiscovery('.apigw-chat/local.json');
 */
export async function readLocalDiscovery(file: string): Promise<LocalDiscovery | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = LocalDiscovery.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not a local runtime discovery file`);
  return parsed.data;
}

/**
 * The nearest `.apigw-chat/local.json` in `dir` or one of its parents (`npm start` writes it
 * at the repository root; the CLI may run in a subdirectory).
 *
 * @example
 * const found = await findLocalDiscovery(process.cwd());
 * if (found?.running) console.log(found.discovery.callbackUrl);
 */
export async function findLocalDiscovery(dir: string): Promise<FoundLocalDiscovery | undefined> {
  for (let current = dir; ; current = dirname(current)) {
    const found = await loadLocalDiscovery(join(current, LOCAL_DISCOVERY_FILE));
    if (found) return found;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * The discovery file at `file`, with whether its writer still runs; `undefined` when missing.
 *
 * @example
 * const found = await loadLocalDiscovery('/tmp/runtime/local.json');
 */
export async function loadLocalDiscovery(file: string): Promise<FoundLocalDiscovery | undefined> {
  const discovery = await readLocalDiscovery(file);
  return discovery && { file, discovery, running: isRunning(discovery.pid) };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
