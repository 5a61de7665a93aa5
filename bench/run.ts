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
 *
 * Each suite runs in a process of its own (this script, with `--child <id>`), so none measures
 * in a heap, compiled code or sockets another suite left behind: the end-to-end suite's gateway
 * and clients live in that process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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

export interface BenchArguments {
  readonly full: boolean;
  /** The suites asked for (`--suite`); empty for all. */
  readonly suites: readonly string[];
  /** Set in a suite's own process: the one suite it runs (`--child <id>`). */
  readonly child?: string;
}

const suiteId = (flag: string, id: string | undefined): string => {
  if (!id || !SUITES.some((suite) => suite.id === id))
    throw new Error(`${flag} needs one of: ${SUITES.map((s) => s.id).join(', ')}`);
  return id;
};

/**
 * Reads the command line of `npm run bench`.
 *
 * @example
 * parseArguments(['--full', '--suite', 'e2e']); // { full: true, suites: ['e2e'] }
 */
export function parseArguments(argv: readonly string[]): BenchArguments {
  let full = false;
  let child: string | undefined;
  const suites: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--full') full = true;
    else if (arg === '--suite') suites.push(suiteId(arg, argv[++i]));
    else if (arg === '--child') child = suiteId(arg, argv[++i]);
    else throw new Error(`Unknown argument ${arg}. Usage: bench [--full] [--suite <id>]…`);
  }
  return child === undefined ? { full, suites } : { full, suites, child };
}

/**
 * The arguments of the process that runs suite `id` alone: the run's own arguments (they name
 * its command line in BENCHMARKS.md) and `--child <id>`.
 *
 * @example
 * childArguments({ full: false, suites: [] }, 'e2e'); // ['--child', 'e2e']
 */
export function childArguments(args: BenchArguments, id: string): string[] {
  return [
    ...(args.full ? ['--full'] : []),
    ...args.suites.flatMap((suite) => ['--suite', suite]),
    '--child',
    id,
  ];
}

/** The command line a section names: what was typed, not the internal `--child`. */
function commandLine(args: BenchArguments, id: string): string {
  return [
    'npm run bench',
    ...(args.full || args.suites.length > 0 ? ['--'] : []),
    ...(args.full ? ['--full'] : []),
    ...(args.suites.length > 0 ? ['--suite', id] : []),
  ].join(' ');
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

/** Runs suite `id` in a process of its own; resolves with its exit code. */
function runChild(args: BenchArguments, id: string, children: Set<ChildProcess>): Promise<number> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, __filename, ...childArguments(args, id)],
      { stdio: 'inherit' },
    );
    children.add(child);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolveExit(code ?? (signal ? 1 : 0));
    });
  });
}

/** In a suite's own process: measures it and writes `bench/results/<id>.json`. */
async function runOneSuite(args: BenchArguments, id: string, log: Log): Promise<void> {
  const suite = SUITES.find((candidate) => candidate.id === id) as BenchSuite<unknown, unknown>;
  const started = performance.now();
  log(`${suite.id}: running (${args.full ? 'full' : 'quick'}, process ${process.pid})`);
  const plan = args.full ? suite.plans.full : suite.plans.quick;
  const section = await runSuite(suite, plan, commandLine(args, id), log);
  const result: BenchResult = {
    section,
    machine: machineInfo(),
    finishedAt: new Date().toISOString(),
    durationS: Math.round((performance.now() - started) / 100) / 10,
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, `${section.id}.json`), `${JSON.stringify(result, null, 2)}\n`);
  log(`${suite.id}: done in ${result.durationS} s`);
}

async function main(): Promise<number> {
  let args: BenchArguments;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const log: Log = (line) => process.stderr.write(`bench: ${line}\n`);
  if (args.child !== undefined) {
    await runOneSuite(args, args.child, log);
    return 0;
  }
  const children = new Set<ChildProcess>();
  setTimeout(
    () => {
      console.error('bench: deadline passed; exiting');
      for (const child of children) child.kill('SIGKILL');
      process.exit(3);
    },
    args.full ? DEADLINE_MS.full : DEADLINE_MS.quick,
  ).unref();

  const selected = SUITES.filter(
    (suite) => args.suites.length === 0 || args.suites.includes(suite.id),
  );
  for (const suite of selected) {
    const code = await runChild(args, suite.id, children);
    if (code !== 0) {
      log(`${suite.id}: its process exited with ${code}`);
      return code;
    }
  }
  await writeMarkdown(ROOT, DOCUMENT, renderBenchmarks(await readResults()), log);
  log(`wrote ${DOCUMENT}`);
  // docs/costs.md: monthly bills of realistic workloads from bench/results/cost.json.
  await writeCostsDocument({ root: ROOT, log });
  return 0;
}

if (require.main === module) runMain('bench', main);
