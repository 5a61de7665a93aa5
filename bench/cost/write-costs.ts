/**
 * Writes `docs/costs.md` from `bench/results/cost.json` (and the fan-out plan and measured
 * post CPU of `bench/results/fanout.json`, when there), then lets Biome lay it out. `npm run bench` calls
 * it after BENCHMARKS.md; run it alone to rebuild the document without measuring anything.
 *
 * @example
 * npx tsx bench/cost/write-costs.ts
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Log } from '../bench-section';
import { runMain, writeMarkdown } from '../cli';
import {
  type CostResultFile,
  type FanoutCpuFigures,
  type FanoutPlanFigures,
  renderCostsDocument,
} from './costs-document';

const ROOT = resolve(__dirname, '..', '..');

export interface WriteCostsOptions {
  /** Repository root. Default: two levels above this file. */
  readonly root?: string;
  readonly log?: Log;
}

/**
 * Renders and writes `docs/costs.md`; returns its path, or undefined (logged) when there is
 * no `bench/results/cost.json` yet.
 *
 * @example
 * await writeCostsDocument({ log: console.error });
 */
export async function writeCostsDocument(
  options: WriteCostsOptions = {},
): Promise<string | undefined> {
  const root = options.root ?? ROOT;
  const log = options.log ?? (() => undefined);
  const results = join(root, 'bench', 'results');
  const cost = await readJson<CostResultFile>(join(results, 'cost.json'));
  if (!cost?.section?.data?.rows) {
    log('no bench/results/cost.json with rows: docs/costs.md not written');
    return undefined;
  }
  const fanout = await readJson<{
    section?: { data?: { plan?: FanoutPlanFigures; model?: { lean?: FanoutCpuFigures } } };
  }>(join(results, 'fanout.json'));
  const fanoutPlan = fanout?.section?.data?.plan;
  const fanoutCpu = fanout?.section?.data?.model?.lean;
  const document = join(root, 'docs', 'costs.md');
  await writeMarkdown(
    root,
    document,
    renderCostsDocument({
      cost,
      ...(fanoutPlan === undefined ? {} : { fanoutPlan }),
      ...(fanoutCpu === undefined ? {} : { fanoutCpu }),
    }),
    log,
  );
  log(`wrote ${document}`);
  return document;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

if (require.main === module) {
  runMain('costs', async () => {
    const written = await writeCostsDocument({
      log: (line) => process.stderr.write(`costs: ${line}\n`),
    });
    return written ? 0 : 1;
  });
}
