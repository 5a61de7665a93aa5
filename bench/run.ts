/**
 * `npm run bench`: runs the benchmark suites, writes `bench/results/<id>.json` and rebuilds
 * BENCHMARKS.md from every result there, then docs/costs.md from the cost result. The default
 * is quick (a few minutes on 2 cores: BENCHMARKS.md says how long each suite took); `--full`
 * runs the large sizes.
 *
 * @example
 * npm run bench                       # quick: every suite
 * npm run bench -- --full             # 10,000 other connections, 15 cold starts
 * npm run bench -- --suite cold-start # one suite
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, type as osType, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { type BenchResult, type MachineInfo, renderBenchmarks } from './bench-document';
import { type BenchSuite, type Log, runSuite } from './bench-section';
import { runMain, writeMarkdown } from './cli';
import { COLD_START_SUITE } from './cold-start/cold-start-suite';
import { COST_SUITE } from './cost/cost-suite';
import { writeCostsDocument } from './cost/write-costs';
import { E2E_SUITE } from './e2e/e2e-suite';
import { FANOUT_SUITE } from './fanout/fanout-suite';
import { POST_CPU_SUITE } from './post-cpu/post-cpu-suite';
import { SOCKETIO_SUITE } from './socketio/socketio-suite';
import { STARTUP_SUITE } from './startup/startup-suite';

const ROOT = resolve(__dirname, '..');
const RESULTS_DIR = join(__dirname, 'results');
const DOCUMENT = join(ROOT, 'BENCHMARKS.md');

/** The suites, in the order they run; each writes `bench/results/<id>.json`. */
const SUITES: readonly BenchSuite<unknown, unknown>[] = [
  COST_SUITE,
  COLD_START_SUITE,
  E2E_SUITE,
  FANOUT_SUITE,
  POST_CPU_SUITE,
  SOCKETIO_SUITE,
  STARTUP_SUITE,
];

/** Bounds the whole run; past it the process exits with 3. */
const DEADLINE_MS = { quick: 10 * 60_000, full: 45 * 60_000 };

interface Arguments {
  readonly full: boolean;
  readonly suites: readonly string[];
}

export function parseArguments(argv: readonly string[]): Arguments {
  let full = false;
  const suites: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--full') full = true;
    else if (arg === '--suite') {
      const id = argv[++i];
      if (!id || !SUITES.some((suite) => suite.id === id))
        throw new Error(`--suite needs one of: ${SUITES.map((s) => s.id).join(', ')}`);
      suites.push(id);
    } else throw new Error(`Unknown argument ${arg}. Usage: bench [--full] [--suite <id>]…`);
  }
  return { full, suites };
}

function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown CPU',
    cores: all.length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    os: `${osType()} ${release()}`,
    node: process.versions.node,
  };
}

async function readResults(): Promise<BenchResult[]> {
  const files = (await readdir(RESULTS_DIR)).filter((file) => file.endsWith('.json')).sort();
  const results: BenchResult[] = [];
  for (const file of files) {
    const parsed = JSON.parse(await readFile(join(RESULTS_DIR, file), 'utf8')) as BenchResult;
    if (parsed.section?.id && typeof parsed.section.markdown === 'string') results.push(parsed);
  }
  return results;
}

async function main(): Promise<number> {
  let args: Arguments;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  setTimeout(
    () => {
      console.error('bench: deadline passed; exiting');
      process.exit(3);
    },
    args.full ? DEADLINE_MS.full : DEADLINE_MS.quick,
  ).unref();

  const log: Log = (line) => process.stderr.write(`bench: ${line}\n`);
  const selected = SUITES.filter(
    (suite) => args.suites.length === 0 || args.suites.includes(suite.id),
  );
  await mkdir(RESULTS_DIR, { recursive: true });
  const machine = machineInfo();
  for (const suite of selected) {
    const command = [
      'npm run bench',
      ...(args.full || args.suites.length > 0 ? ['--'] : []),
      ...(args.full ? ['--full'] : []),
      ...(args.suites.length > 0 ? ['--suite', suite.id] : []),
    ].join(' ');
    const started = performance.now();
    log(`${suite.id}: running (${args.full ? 'full' : 'quick'})`);
    const plan = args.full ? suite.plans.full : suite.plans.quick;
    const section = await runSuite(suite, plan, command, log);
    const result: BenchResult = {
      section,
      machine,
      finishedAt: new Date().toISOString(),
      durationS: Math.round((performance.now() - started) / 100) / 10,
    };
    await writeFile(
      join(RESULTS_DIR, `${section.id}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    log(`${suite.id}: done in ${result.durationS} s`);
  }
  await writeMarkdown(ROOT, DOCUMENT, renderBenchmarks(await readResults()), log);
  log(`wrote ${DOCUMENT}`);
  // docs/costs.md: monthly bills of realistic workloads from bench/results/cost.json.
  await writeCostsDocument({ root: ROOT, log });
  return 0;
}

if (require.main === module) runMain('bench', main);
