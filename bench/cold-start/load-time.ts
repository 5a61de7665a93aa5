import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** One fresh process: module load, then the first (rejected) request. */
export interface LoadSample {
  /** `require()` of the bundle, from before the call to its return. */
  readonly loadMs: number;
  /** The first call of `handler({})`: builds the runtime (clients, environment) and rejects the event. */
  readonly firstRequestMs: number;
}

/**
 * Loads the bundle and calls its handler once with an empty (invalid) event, which builds the
 * chat runtime and answers without any network call; prints both times as JSON.
 */
const CHILD_SCRIPT = `
const file = process.argv[1];
const t0 = process.hrtime.bigint();
const mod = require(file);
const t1 = process.hrtime.bigint();
Promise.resolve()
  .then(() => mod.handler({}))
  .catch(() => undefined)
  .then(() => {
    const t2 = process.hrtime.bigint();
    process.stdout.write(JSON.stringify({ loadMs: Number(t1 - t0) / 1e6, firstRequestMs: Number(t2 - t1) / 1e6 }) + '\\n');
  });
`;

/**
 * Parses the child's output: the last line holding the JSON sample.
 *
 * @example
 * parseLoadSample('{"loadMs":12.5,"firstRequestMs":3}\n'); // { loadMs: 12.5, firstRequestMs: 3 }
 */
export function parseLoadSample(stdout: string): LoadSample {
  const line = stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as Partial<LoadSample>;
  if (typeof parsed.loadMs !== 'number' || typeof parsed.firstRequestMs !== 'number')
    throw new Error(`Unexpected output of the load-time child: ${stdout.slice(0, 200)}`);
  return { loadMs: parsed.loadMs, firstRequestMs: parsed.firstRequestMs };
}

/**
 * Spawns `runs` fresh `node` processes one after the other, each loading the bundle once.
 * `env` is the whole environment of the children (e.g. `NODE_PATH` for `@aws-sdk/*`).
 *
 * @example
 * const samples = await measureLoadTimes('/tmp/bundles/message/index.js', 5, { ...process.env, NODE_PATH });
 */
export async function measureLoadTimes(
  file: string,
  runs: number,
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<LoadSample[]> {
  const samples: LoadSample[] = [];
  for (let run = 0; run < runs; run++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD_SCRIPT, file], {
      env,
      timeout: timeoutMs,
    });
    samples.push(parseLoadSample(stdout));
  }
  return samples;
}
