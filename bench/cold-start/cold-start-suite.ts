import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ENV, type FunctionName, LAMBDA_FUNCTIONS } from '../../definitions/api';
import { parseNestModule } from '../../definitions/nest-module';
import { prepareNestGateways } from '../../lib/nest-gateway-module';
import type { BenchSuite, Log } from '../bench-section';
import { median } from '../median';
import { type BundleSize, bundleFunction } from './bundle';
import { type LoadSample, measureLoadTimes } from './load-time';

export interface ColdStartPlan {
  /** Fresh processes per function and mode. */
  readonly runs: number;
}

export interface ColdStartRow {
  readonly function: FunctionName | 'nest-message';
  readonly entry: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  /** Median module-load ms with `NODE_OPTIONS=--enable-source-maps`, as the stack runs it. */
  readonly loadMsMedian: number;
  /** Median module-load ms without source maps. */
  readonly loadMsNoSourceMapsMedian: number;
  /** Median ms of the first (rejected) request after the load, source maps on. */
  readonly firstRequestMsMedian: number;
  readonly samples: { readonly withSourceMaps: LoadSample[]; readonly without: LoadSample[] };
}

export interface ColdStartResults {
  readonly plan: ColdStartPlan;
  readonly rows: readonly ColdStartRow[];
}

const ROOT = resolve(__dirname, '..', '..');

/**
 * Besides the chat's functions: the message function of a Nest application (the seeds'
 * gateways, as the stack's `nest` option deploys them); its first request includes the Nest
 * bootstrap.
 */
const NEST_MESSAGE = {
  module: 'test/fixtures/nest-seeds/seeds.module.ts#SeedsModule',
  description: "message function of the seeds' Nest gateways",
};

/** The generated entry of `NEST_MESSAGE`'s message function, relative to the repository. */
function nestMessageEntry(): string {
  const { entries } = prepareNestGateways(parseNestModule(join(ROOT, NEST_MESSAGE.module)), ROOT);
  return relative(ROOT, entries.message);
}

/**
 * The `cold-start` suite: bundles every function of `LAMBDA_FUNCTIONS` as the stack does and
 * times its module load in fresh Node processes.
 *
 * @example
 * const section = await runSuite(COLD_START_SUITE, { runs: 5 }, 'npm run bench', console.error);
 */
export const COLD_START_SUITE: BenchSuite<ColdStartPlan, ColdStartResults> = {
  id: 'cold-start',
  title: 'Cold start',
  // A fresh load on this VM is about 95 ms at best and now and then 10–30 ms slower (slow
  // spells), and the goal reads the slowest median of five near-identical bundles: with 11
  // samples a few spikes were enough to move one median by 5 ms (92–129 ms in one column).
  plans: { quick: { runs: 21 }, full: { runs: 31 } },
  measure: measureColdStarts,
  markdown: formatColdStartMarkdown,
};

/**
 * The whole environment of a load-time child: dummy credentials and chat settings, and the
 * AWS SDK and Powertools resolved from node_modules, as the Lambda runtime and the layer
 * provide them.
 *
 * @example
 * const samples = await measureLoadTimes(bundle, 5, coldStartEnvironment());
 */
export function coldStartEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // The AWS SDK and Powertools are external (the runtime and the layer provide them on
    // Lambda); here they come from node_modules.
    NODE_PATH: join(ROOT, 'node_modules'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_SERVICE_NAME: 'apigw-chat',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    [ENV.tableName]: 'bench-table',
    [ENV.callbackUrl]: 'https://example.execute-api.us-east-1.amazonaws.com/bench',
    [ENV.workerFunctionName]: 'bench-worker',
  };
}

export async function measureColdStarts(plan: ColdStartPlan, log: Log): Promise<ColdStartResults> {
  const outRoot = await mkdtemp(join(tmpdir(), 'apigw-chat-bundles-'));
  const baseEnv = coldStartEnvironment();
  try {
    const functions: [ColdStartRow['function'], { readonly entry: string }][] = [
      ...(Object.entries(LAMBDA_FUNCTIONS) as [FunctionName, { readonly entry: string }][]),
      ['nest-message', { entry: nestMessageEntry() }],
    ];
    const bundles: {
      readonly name: ColdStartRow['function'];
      readonly entry: string;
      readonly size: BundleSize;
      readonly samples: ColdStartRow['samples'];
    }[] = [];
    for (const [name, definition] of functions) {
      const size = await bundleFunction(join(ROOT, definition.entry), join(outRoot, name));
      // One discarded load first, so every function starts with the same warm file cache.
      await measureLoadTimes(size.file, 1, baseEnv);
      bundles.push({
        name,
        entry: definition.entry,
        size,
        samples: { withSourceMaps: [], without: [] },
      });
    }
    // Round by round, every function once per round: a slow spell of the machine falls on
    // every function alike instead of on the one measured then.
    for (let run = 0; run < plan.runs; run++) {
      for (const { size, samples } of bundles) {
        samples.withSourceMaps.push(
          ...(await measureLoadTimes(size.file, 1, {
            ...baseEnv,
            NODE_OPTIONS: '--enable-source-maps',
          })),
        );
        samples.without.push(...(await measureLoadTimes(size.file, 1, baseEnv)));
      }
    }
    const rows = bundles.map(({ name, entry, size, samples }): ColdStartRow => {
      const row: ColdStartRow = {
        function: name,
        entry,
        bytes: size.bytes,
        gzipBytes: size.gzipBytes,
        mapBytes: size.mapBytes,
        loadMsMedian: round(median(samples.withSourceMaps.map((s) => s.loadMs))),
        loadMsNoSourceMapsMedian: round(median(samples.without.map((s) => s.loadMs))),
        firstRequestMsMedian: round(median(samples.withSourceMaps.map((s) => s.firstRequestMs))),
        samples,
      };
      log(`cold-start: ${name} ${row.bytes} B, load ${row.loadMsMedian} ms`);
      return row;
    });
    return { plan, rows };
  } finally {
    await rm(outRoot, { recursive: true, force: true });
  }
}

/**
 * The cold-start section of BENCHMARKS.md.
 *
 * @example
 * formatColdStartMarkdown(await measureColdStarts({ runs: 5 }, console.error));
 */
export function formatColdStartMarkdown(results: ColdStartResults): string {
  const lines = [
    `Each function of \`LAMBDA_FUNCTIONS\` (\`definitions/api.ts\`) bundled with esbuild as \`lib/chat-function.ts\` has the stack do it: minified, platform node, target node22, CommonJS, \`@aws-sdk/*\` and \`@aws-lambda-powertools/*\` external (the Lambda runtime and AWS's Powertools layer provide them), \`debug\` silenced, source map in a separate file without sources. ` +
      `Load times are medians of ${results.plan.runs} fresh \`node\` processes per column, each \`require()\`-ing the bundle once (\`@aws-sdk/*\` and \`@aws-lambda-powertools/*\`, with its X-Ray SDK, resolved from \`node_modules\` through \`NODE_PATH\`, so their load time is included); environment variables are dummies. The processes run in rounds, each round loading every function once with and once without source maps, so a slow spell of the machine falls on all functions alike.`,
    '',
    '| function | bundle (bytes) | gzip (bytes) | source map (bytes) | module load, ms (`--enable-source-maps`, as deployed) | module load, ms (no source maps) | first request, ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.rows.map(
      (row) =>
        `| ${row.function} | ${count(row.bytes)} | ${count(row.gzipBytes)} | ${count(row.mapBytes)} | ${row.loadMsMedian.toFixed(1)} | ${row.loadMsNoSourceMapsMedian.toFixed(1)} | ${row.firstRequestMsMedian.toFixed(1)} |`,
    ),
    '',
    "- **Module load**: from before `require()` of the bundle to its return, in a process that has done nothing else: what a cold start adds to the runtime's own init, on this machine (not on a Lambda arm64 host). The chat functions load the DynamoDB client, Powertools and its X-Ray SDK then; `@aws-sdk/client-lambda` and `@aws-sdk/client-apigatewaymanagementapi` wait for their first use (a shard, an after-connect hand-off, a clean-up, a close: most invocations have none), which takes 10–15 ms off every cold start (`lambdas/adapters/sdk-on-first-use.ts`; `test/lambdas/handlers/cold-start-modules.test.ts` checks which packages a fresh load holds). The zod schemas of route events, worker payloads, wire frames and app events are built at their first parse (`onFirstUse`, `lambdas/core/zod.ts`): each function builds the few it parses rather than all of them (the environment's schemas, which every function parses on its first request, are built at load). Measured when the change was made (587c83f), 15 interleaved fresh loads each with source maps: module load 101.8 → 99.8 ms (connect) and 103.9 → 101.6 ms (message), the first request 0.6–1 ms longer (it builds its event's schema), bundles about 800 bytes larger.",
    '- **First request**: the first `handler({})` after the load: it builds the chat runtime (DynamoDB client, environment check, logger) and rejects the empty event without any network call, so it is the lazy part of init, not a real request.',
    `- **nest-message**: the ${NEST_MESSAGE.description} (\`${NEST_MESSAGE.module}\` with the stack's \`nest\` option: a generated entry on \`createNestGatewayHandlers\`), bundled as the stack bundles it (decorator metadata; class-validator and class-transformer left out, as the seeds do not validate); its first request includes bootstrapping the Nest application (module, providers, gateways, \`afterInit\`). Issue 15's goal for it is at most twice the chat's message function.`,
    ...nestComparison(results.rows),
    '',
    goalLine(results.rows),
  ];
  return lines.join('\n');
}

/** Issue 18's cold-start goal for the chat's functions, on this machine. */
export const COLD_START_GOAL = { bundleBytes: 150_000, loadMs: 100 } as const;

/** Whether the chat's functions (not the Nest one) meet `COLD_START_GOAL`, with the largest figures. */
function goalLine(rows: readonly ColdStartRow[]): string {
  const chat = rows.filter((row) => row.function !== 'nest-message');
  if (chat.length === 0) return '';
  const largest = (value: (row: ColdStartRow) => number) =>
    chat.reduce((top, row) => (value(row) > value(top) ? row : top));
  const bytes = largest((row) => row.bytes);
  const load = largest((row) => row.loadMsMedian);
  const verdict = (met: boolean) => (met ? 'met' : '**not met**');
  return `Goal: chat bundles at most ${count(COLD_START_GOAL.bundleBytes)} bytes and module load at most ${COLD_START_GOAL.loadMs} ms (as deployed, source maps on): bundles ${verdict(bytes.bytes <= COLD_START_GOAL.bundleBytes)} (largest: ${bytes.function}, ${count(bytes.bytes)}); module load ${verdict(load.loadMsMedian <= COLD_START_GOAL.loadMs)} (slowest: ${load.function}, ${load.loadMsMedian.toFixed(1)} ms).`;
}

/** How the Nest message function compares with the chat's: bundle, and load plus first request. */
function nestComparison(rows: readonly ColdStartRow[]): string[] {
  const chat = rows.find((row) => row.function === 'message');
  const nest = rows.find((row) => row.function === 'nest-message');
  if (!chat || !nest) return [];
  const coldStart = (row: ColdStartRow) => row.loadMsMedian + row.firstRequestMsMedian;
  return [
    `- **nest-message against message**: bundle ${(nest.bytes / chat.bytes).toFixed(2)}× (${count(nest.bytes)} against ${count(chat.bytes)} bytes); module load plus first request ${(coldStart(nest) / coldStart(chat)).toFixed(2)}× (${coldStart(nest).toFixed(1)} against ${coldStart(chat).toFixed(1)} ms).`,
  ];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
