import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  anchor,
  assumptionsFor,
  type CostResultFile,
  dollars,
  perUser,
  renderCostsDocument,
  workloadHeading,
} from '../../../bench/cost/costs-document';
import type { MeasuredRow } from '../../../bench/cost/measured-figures';
import { monthlyBill } from '../../../bench/cost/monthly-bill';
import { WORKLOADS, type Workload } from '../../../bench/cost/workloads';
import { writeCostsDocument } from '../../../bench/cost/write-costs';
import { FAN_OUT_SIZING } from '../../../definitions/fan-out-sizing';

function row(
  operation: string,
  roomSize: number,
  [messageUnits, posts, handlerMs, rcu, wcu]: [number, number, number, number, number],
): MeasuredRow {
  return {
    lookup: 'query',
    operation: operation as MeasuredRow['operation'],
    roomSize,
    expectedRecipients: posts,
    managementApiCalls: posts,
    lambdaInvocations: 1,
    messageUnits,
    handlerMsMedian: handlerMs,
    handlerCpuMsMedian: handlerMs / 2,
    dynamoDb: { rcu, wcu },
  };
}

const ROWS: MeasuredRow[] = [1, 10, 100].flatMap((size) => [
  row('connect', size, [0, 0, 2, 0, 3]),
  row('join', size, [size + 1, size - 1, 15, 4, 3]),
  row('room message', size, [size + 1, size - 1, 12, 2, 2]),
  row('namespace broadcast', size, [10_000 + size + 1, 10_000 + size - 1, 250, 82, 0]),
  row('direct message', size, [3, 1, 17, 2, 0]),
  row('disconnect', size, [size - 1, size - 1, 16, 3, 6]),
]);

const COST: CostResultFile = {
  section: {
    command: 'npm run bench -- --full --suite cost',
    data: {
      plan: { lambdaMemoryMb: 256, otherMemoryMb: 256, others: 10_000, roomSizes: [1, 10, 100] },
      rows: ROWS,
    },
  },
  machine: { cores: 2, cpu: 'Test CPU', node: '20.20.2' },
  finishedAt: '2026-11-22T23:33:26.088Z',
};

/** The Markdown tables of a document: each a list of rows, each a list of cells. */
function tables(markdown: string): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | undefined;
  for (const lineText of markdown.split('\n')) {
    if (lineText.startsWith('|')) {
      const cells = lineText.slice(1, -1).split('|');
      if (!current) {
        current = [];
        found.push(current);
      }
      current.push(cells);
    } else current = undefined;
  }
  return found;
}

describe('Function: renderCostsDocument', () => {
  it('says what is measured, estimated and assumed, and how to recompute', () => {
    // Act
    const markdown = renderCostsDocument({ cost: COST });

    // Assess
    expect(markdown.startsWith('# What a month costs\n')).toBe(true);
    expect(markdown).toContain('## Measured, estimated, assumed');
    expect(markdown).toContain('- **Measured** (`bench/results/cost.json`)');
    expect(markdown).toContain('- **Estimated**: Lambda duration.');
    expect(markdown).toContain('- **Assumed**: the workloads');
    expect(markdown).toContain('`npm run bench -- --full --suite cost`, 2026-11-22');
    expect(markdown).toContain('## How to recompute');
    expect(markdown).toContain('`npx tsx bench/cost/write-costs.ts`');
    expect(markdown).toContain(
      '| API Gateway connection minutes | $0.25 per million | reference |',
    );
  });

  it("shows each workload's total and per-user cost as the model computes them", () => {
    // Act
    const markdown = renderCostsDocument({ cost: COST });

    // Assess
    for (const [index, workload] of WORKLOADS.entries()) {
      const bill = monthlyBill(workload, ROWS, assumptionsFor({ cost: COST }));
      const heading = workloadHeading(workload, index);
      expect(markdown).toContain(`\n## ${heading}\n`);
      expect(markdown).toContain(
        `| [${heading}](#${anchor(heading)}) | ${workload.users.toLocaleString('en-US')} | ${dollars(bill.total)} | ${perUser(bill.perUser)} |`,
      );
      expect(markdown).toContain(
        `| **total** | | **${dollars(bill.total)}** | 100% | | **${perUser(bill.perUser)} per user** |`,
      );
    }
  });

  it('writes tables whose rows all have the columns of their header', () => {
    // Act
    const found = tables(renderCostsDocument({ cost: COST }));

    // Assess: summary, prices, assumptions, operations and bill per workload, then a
    // connection-hour per protocol.
    expect(found).toHaveLength(3 + 2 * WORKLOADS.length + 2);
    for (const table of found) {
      const [header] = table;
      for (const cells of table) expect(cells).toHaveLength(header?.length ?? 0);
    }
  });

  it('links every summary row to a heading of the document', () => {
    // Act
    const markdown = renderCostsDocument({ cost: COST });

    // Assess
    const headings = new Set(
      [...markdown.matchAll(/^## (.+)$/gm)].map((match) => anchor(match[1] as string)),
    );
    const links = [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
    expect(links).toHaveLength(WORKLOADS.length);
    for (const link of links) expect(headings.has(link as string)).toBe(true);
  });

  it('takes the posting model from the fan-out plan, and shards as the stack does', () => {
    // Act
    const markdown = renderCostsDocument({
      cost: COST,
      fanoutPlan: { postDelayMs: 30, concurrency: 32 },
    });

    // Assess
    expect(markdown).toContain('⌈posts / 32⌉ × 30 ms)');
    expect(markdown).toContain(
      `⌈recipients / ${FAN_OUT_SIZING.shardSize.toLocaleString('en-US')}⌉ − 1 \`deliver\` invocations`,
    );
    // 25,000 recipients in the stack's shards.
    expect(markdown).toContain(
      `${Math.ceil(25_000 / FAN_OUT_SIZING.shardSize) - 1} extra \`deliver\` invocations per broadcast`,
    );
  });

  it("bills the fan-out suite's measured CPU per post and per dispatch at the memory's share", () => {
    // Act
    const measured = renderCostsDocument({
      cost: COST,
      fanoutCpu: { cpuPerPostMicros: 64, cpuPerDispatchMicros: 368 },
    });
    const defaults = renderCostsDocument({ cost: COST });

    // Assess
    expect(measured).toContain(
      'dispatches × 368 µs ÷ share + max(posts × 64 µs ÷ share, ⌈posts / 64⌉ × 20 ms); share 0.145',
    );
    expect(measured).toContain(
      '64 µs each at a full vCPU, measured traced by the fan-out benchmark',
    );
    expect(defaults).toContain("120 µs each at a full vCPU, the lean path's goal");
    expect(
      assumptionsFor({
        cost: COST,
        fanoutCpu: { cpuPerPostMicros: 64, cpuPerDispatchMicros: 368 },
      }),
    ).toMatchObject({ cpuPerPostMicros: 64, cpuPerDispatchMicros: 368 });
    expect(assumptionsFor({ cost: COST })).toMatchObject({
      cpuPerPostMicros: 120,
      cpuPerDispatchMicros: 520,
    });
  });

  it('renders the workloads it is given, and the same input the same way', () => {
    // Prepare
    const one: Workload = { ...(WORKLOADS[0] as Workload), id: 'only', title: 'Only one' };

    // Act
    const first = renderCostsDocument({ cost: COST, workloads: [one] });
    const second = renderCostsDocument({ cost: COST, workloads: [one] });

    // Assess
    expect(first).toBe(second);
    expect(first).toContain('## a. Only one');
    expect(first).not.toContain('## b.');
  });
});

describe('Function: dollars and perUser', () => {
  it('shows cents, thousands separators, and <$0.01 for what rounds to nothing', () => {
    expect(dollars(1234.5)).toBe('$1,234.50');
    expect(dollars(0)).toBe('$0.00');
    expect(dollars(0.004)).toBe('<$0.01');
    expect(perUser(0.053741)).toBe('$0.0537');
    expect(perUser(0.41)).toBe('$0.410');
    expect(perUser(2.5)).toBe('$2.50');
  });
});

describe('Function: writeCostsDocument', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'costs-'));
    await mkdir(join(root, 'bench', 'results'), { recursive: true });
    await mkdir(join(root, 'docs'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes docs/costs.md from bench/results/cost.json', async () => {
    // Prepare
    await writeFile(join(root, 'bench', 'results', 'cost.json'), JSON.stringify(COST));

    // Act
    const written = await writeCostsDocument({ root });

    // Assess
    expect(written).toBe(join(root, 'docs', 'costs.md'));
    const markdown = await readFile(join(root, 'docs', 'costs.md'), 'utf8');
    expect(markdown.startsWith('# What a month costs\n')).toBe(true);
  }, 30_000);

  it('writes nothing without results', async () => {
    // Prepare
    const lines: string[] = [];

    // Act
    const written = await writeCostsDocument({ root, log: (text) => lines.push(text) });

    // Assess
    expect(written).toBeUndefined();
    expect(lines.join('\n')).toContain('docs/costs.md not written');
  });
});
