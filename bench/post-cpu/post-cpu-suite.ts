import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lambdaTraceHeader } from '../../local/lambda/trace-header';
import { LocalXRayDaemon } from '../../local/lambda/xray-daemon';
import { lambdaXRayEnvironment } from '../../local/template/function-specs';
import type { BenchSuite, Log } from '../bench-section';
import { median } from '../median';
import { FRAME, IN_FLIGHT, POSTERS, WARM_UP_POSTS } from './posters';

export interface PostCpuPlan {
  /** Posts per measured round, 64 in flight as the fan-out sends them. */
  readonly posts: number;
  /** Rounds per poster (interleaved, each in a fresh process); the median is reported. */
  readonly rounds: number;
}

export interface PostCpuRow {
  readonly poster: string;
  /** CPU (user + system) per post, µs, the in-process server's share included: the median. */
  readonly micros: number;
  /** The same, in each round. */
  readonly rounds: readonly number[];
}

export interface PostCpuResults {
  readonly plan: PostCpuPlan;
  readonly rows: readonly PostCpuRow[];
}

/** The lean path's goal (issue 18): at most this much CPU per post on this machine. */
export const TARGET_MICROS = 120;
const TSX = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

/**
 * The `post-cpu` suite: the CPU one PostToConnection costs, 64 in flight over keep-alive to a
 * server in the same process that reads the body and answers 200 at once (issue 18's
 * measure: the server's share is in every row, and the floor row shows it). Every round of
 * every poster runs in a fresh process, so no poster pays for another's garbage.
 *
 * @example
 * const section = await runSuite(POST_CPU_SUITE, POST_CPU_SUITE.plans.quick, 'npm run bench', console.error);
 */
export const POST_CPU_SUITE: BenchSuite<PostCpuPlan, PostCpuResults> = {
  id: 'post-cpu',
  title: 'CPU per post to @connections',
  plans: { quick: { posts: 5_000, rounds: 3 }, full: { posts: 20_000, rounds: 7 } },
  measure: measurePostCpu,
  markdown: formatPostCpuMarkdown,
};

export async function measurePostCpu(plan: PostCpuPlan, log: Log): Promise<PostCpuResults> {
  const samples = new Map<string, number[]>(POSTERS.map((under) => [under.id, []]));
  const daemon = await LocalXRayDaemon.start();
  try {
    for (let round = 0; round < plan.rounds; round += 1) {
      for (const under of POSTERS) {
        const { stdout } = await run(
          TSX,
          [join(__dirname, 'post-worker.ts'), under.id, String(plan.posts)],
          under.traced ? { env: tracedEnvironment(daemon.address) } : {},
        );
        const { micros } = JSON.parse(stdout) as { micros: number };
        samples.get(under.id)?.push(micros);
        log(`post-cpu: round ${round + 1}, ${under.id}: ${micros.toFixed(0)} µs per post`);
      }
    }
  } finally {
    await daemon.close();
  }
  if (POSTERS.some((under) => under.traced) && daemon.received === 0)
    throw new Error('the traced poster sent no segment to the daemon: it did not run traced');
  return {
    plan,
    rows: POSTERS.map((under) => {
      const measured = samples.get(under.id) ?? [];
      return {
        poster: under.name,
        micros: Math.round(median(measured)),
        rounds: measured.map(Math.round),
      };
    }),
  };
}

/** A traced poster's environment: Lambda's for active tracing, one invocation's trace header. */
function tracedEnvironment(daemonAddress: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...lambdaXRayEnvironment(daemonAddress),
    _X_AMZN_TRACE_ID: lambdaTraceHeader(),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  };
}

/** The median CPU per post of the poster `id` (`sdk`, `lean`, `lean-traced`, `floor`). */
export function microsOf(results: PostCpuResults, id: string): number {
  const name = POSTERS.find((under) => under.id === id)?.name;
  const row = results.rows.find((candidate) => candidate.poster === name);
  if (!row) throw new Error(`no post-cpu row for ${id}`);
  return row.micros;
}

/**
 * The section of BENCHMARKS.md.
 *
 * @example
 * formatPostCpuMarkdown(await measurePostCpu({ posts: 5_000, rounds: 5 }, console.error));
 */
export function formatPostCpuMarkdown(results: PostCpuResults): string {
  const { posts, rounds } = results.plan;
  return [
    `CPU (user + system) of one process per \`PostToConnection\`: ${posts.toLocaleString('en-US')} posts of a ${FRAME.length}-byte frame per round, ${IN_FLIGHT} in flight over keep-alive, to a server in the same process that reads the body and answers 200 at once, so its share is in every row (the floor row shows it). Each round of each poster runs in a fresh process after ${WARM_UP_POSTS.toLocaleString('en-US')} warm-up posts; median of ${rounds} interleaved rounds. Goal of the lean path: at most ${TARGET_MICROS} µs.`,
    '',
    '| poster | CPU per post, µs | per round, µs |',
    '| --- | ---: | --- |',
    ...results.rows.map((row) => `| ${row.poster} | ${row.micros} | ${row.rounds.join(', ')} |`),
    '',
    "- The chat functions post with the lean path (`lambdas/adapters/signed-connection-poster.ts`, signed by `execute-api-signer.ts`, whose signatures a test compares with the SDK signer's): the same answers as the SDK client (410 gone by `GoneException`, 429 and 5xx retried with bounded jittered backoff, 400, 403 and 413 rethrown), tested against the local management API next to it.",
    '- Tracing is per invocation (one `message` or `deliver` subsegment for the whole fan-out or shard): the chat functions do not capture each HTTP request (`captureHTTPsRequests: false`); DynamoDB and Lambda calls stay traced through their SDK clients. A post still costs more traced than not: the X-Ray SDK tracks the context of every promise and asynchronous resource (the traced row, in a process with the variables Lambda sets for active tracing and a local daemon). The fan-out model below uses the traced row.',
  ].join('\n');
}
