import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BenchSuite, Log } from '../bench-section';
import { median } from '../median';

export interface StartupPlan {
  /** `npm start` runs after the first one (which synthesizes the stack). */
  readonly warmRuns: number;
}

export interface StartupSample {
  /** From spawning `npm start` to its `ready` line. */
  readonly readyMs: number;
  /** Whether the synthesized template came from `.data/local-templates/`. */
  readonly templateCached: boolean;
}

export interface StartupResults {
  readonly plan: StartupPlan;
  readonly samples: readonly StartupSample[];
  readonly firstMs: number;
  readonly cachedMedianMs: number;
}

const ROOT = resolve(__dirname, '..', '..');
const TEMPLATE_CACHE = join(ROOT, '.data', 'local-templates');
/** Past this, a start counts as failed. */
const READY_TIMEOUT_MS = 60_000;
/**
 * `npm start` before the template-driven runtime (commit 29ef7fe: handlers in the gateway's
 * process), measured the same way and interleaved with the runs after it on 2026-12-03 while
 * other jobs kept the 2 cores busy (load average 5 to 6): 8.4, 8.5, 9.9, 10.6, 10.6, 12.4 s.
 */
const BEFORE = { commit: '29ef7fe', medianS: 10.2, minS: 8.4 };

/**
 * The `startup` suite: how long `npm start -- --in-memory --port 0` takes to print `ready`,
 * once without the template cache (the stack is synthesized in process) and then with it.
 *
 * @example
 * const section = await runSuite(STARTUP_SUITE, { warmRuns: 4 }, 'npm run bench', console.error);
 */
export const STARTUP_SUITE: BenchSuite<StartupPlan, StartupResults> = {
  id: 'startup',
  title: 'npm start start-up time',
  plans: { quick: { warmRuns: 4 }, full: { warmRuns: 10 } },
  measure: measureStartup,
  markdown: formatStartupMarkdown,
};

export async function measureStartup(plan: StartupPlan, log: Log): Promise<StartupResults> {
  await rm(TEMPLATE_CACHE, { recursive: true, force: true });
  const samples: StartupSample[] = [];
  for (let run = 0; run <= plan.warmRuns; run += 1) {
    const readyMs = await timeToReady();
    samples.push({ readyMs, templateCached: run > 0 });
    log(`startup: run ${run + 1}, ready after ${Math.round(readyMs)} ms`);
  }
  const [first, ...cached] = samples;
  return {
    plan,
    samples,
    firstMs: Math.round(first?.readyMs ?? 0),
    cachedMedianMs: Math.round(median(cached.map((sample) => sample.readyMs))),
  };
}

/** Starts `npm start` in a process group of its own, waits for `ready`, then stops it with SIGINT. */
function timeToReady(): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn('npm', ['start', '--', '--in-memory', '--port', '0'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let readyMs: number | undefined;
    const timer = setTimeout(() => stop(), READY_TIMEOUT_MS);
    const stop = (): void => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (readyMs === undefined && /^ready$/m.test(output)) {
        readyMs = performance.now() - started;
        stop();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', () => {
      clearTimeout(timer);
      if (readyMs === undefined)
        fail(new Error(`npm start did not get ready:\n${output.slice(-2_000)}`));
      else done(readyMs);
    });
  });
}

/**
 * The start-up section of BENCHMARKS.md.
 *
 * @example
 * formatStartupMarkdown(await measureStartup({ warmRuns: 4 }, console.error));
 */
export function formatStartupMarkdown(results: StartupResults): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  return [
    '`npm start -- --in-memory --port 0`, from spawning it to its `ready` line: DynamoDB Local (Java) started, the chat stack synthesized in process (or its template read from `.data/local-templates/`, kept by the hash of the stack code and context), the table created, the gateway listening. No function container starts before the first invocation.',
    '',
    '| run | ready after, s |',
    '| --- | ---: |',
    `| first (template synthesized) | ${seconds(results.firstMs)} |`,
    `| template cached (median of ${results.plan.warmRuns}) | ${seconds(results.cachedMedianMs)} |`,
    `| before the template-driven runtime (commit ${BEFORE.commit}, median of 6 interleaved runs under load; fastest ${BEFORE.minS} s) | ${BEFORE.medianS.toFixed(1)} |`,
    '',
    `- Samples, s: ${results.samples.map((sample) => seconds(sample.readyMs)).join(', ')}. The 2 cores are shared with other jobs, so the figures vary by seconds between runs.`,
  ].join('\n');
}
