import {
  DEFAULT_FANOUT_PLAN,
  formatFanoutMarkdown,
  formatModelMarkdown,
  measureFanout,
  modelFanout,
  runFanout,
  stackVerdict,
} from '../../../bench/fanout/fanout-suite';
import { cheapestSetting } from '../../../bench/fanout/lambda-cpu-model';
import type { PostCpuPlan, PostCpuResults } from '../../../bench/post-cpu/post-cpu-suite';
import { POSTERS } from '../../../bench/post-cpu/posters';

jest.setTimeout(30_000);

describe('Bench: fanout', () => {
  it('delivers a 10,000-member room in 10 shards, one call per recipient', async () => {
    // Act
    const row = await measureFanout(DEFAULT_FANOUT_PLAN, 10_000, 'sharded');

    // Assess (its time is the benchmark's business: BENCHMARKS.md, not a timed test)
    expect(row.managementApiCalls).toBe(10_000);
    expect(row.exact).toBe(true);
    expect(row.shards).toBe(10);
  });

  it('without shards one invocation is bounded by ceil(N / concurrency) × delay', async () => {
    // Act
    const row = await measureFanout(DEFAULT_FANOUT_PLAN, 1_000, 'single invocation');

    // Assess
    expect(row.idealMs).toBe(Math.ceil(1_000 / 64) * 20);
    expect(row.wallMs).toBeGreaterThanOrEqual(row.idealMs - 5);
    expect(row.exact).toBe(true);
  });

  it("renders a section with a row per mode and size, and the model at Lambda's CPU", async () => {
    // Prepare: posts measured at 100 µs (lean) and 400 µs (SDK), a room message to one
    // recipient at 8.1 ms in the message function
    const plan = { ...DEFAULT_FANOUT_PLAN, roomSizes: [10, 100], postDelayMs: 1 };
    const measured = async (postPlan: PostCpuPlan): Promise<PostCpuResults> => ({
      plan: postPlan,
      rows: POSTERS.map((under) => ({
        poster: under.name,
        micros: { sdk: 400, 'lean-traced': 150 }[under.id] ?? 100,
        rounds: [],
      })),
    });

    // Act
    const rows = await runFanout(plan);
    const messageCpu = async () => ({
      warmUpMessages: 300,
      messages: 100,
      tracing: true,
      microsPerMessage: { message: 8_150, 'DynamoDB Local': 3_000 },
    });
    const model = await modelFanout(plan, () => undefined, measured, messageCpu);
    const markdown = `${formatFanoutMarkdown(plan, rows)}\n\n${formatModelMarkdown(model)}`;

    // Assess
    expect(markdown.match(/^\| (single invocation|sharded) \|/gm)).toHaveLength(4);
    // The traced lean post, as deployed.
    expect(model.lean.cpuPerPostMicros).toBe(150);
    expect(model.lean.cpuPerMessageMicros).toBe(8_000);
    expect(model.sdk.cpuPerMessageMicros).toBe(8_000);
    expect(markdown).toContain('**8.0 ms** of CPU');
    expect(markdown).toContain('traced as deployed');
    expect(markdown).toContain('100 µs untraced');
    expect(model.sdk.cpuPerDispatchMicros).toBe(400);
    expect(model.grid).toHaveLength(20);
    expect(model.chosen).toEqual(
      cheapestSetting(
        10_000,
        750,
        model.grid.map(({ memoryMb, shardSize }) => ({ memoryMb, shardSize })),
        model.lean,
      ),
    );
    expect(markdown).toContain('### At Lambda');
    expect(markdown).toContain(
      `**${model.chosen?.memoryMb} MB, shards of ${model.chosen?.shardSize.toLocaleString('en-US')}**`,
    );
  });

  describe('Function: stackVerdict', () => {
    const row = (memoryMb: number, shardSize: number, wallMs: number, usd: number) => ({
      memoryMb,
      shardSize,
      wallMs,
      lambdaUsdPerMillion: usd,
    });
    /** The cheapest setting within 750 ms is 256 MB with shards of 1,000. */
    const grid = [
      row(256, 1_000, 704, 0.0021),
      row(512, 1_000, 407, 0.0024),
      row(512, 2_000, 807, 0.0023),
      row(1_769, 1_000, 367, 0.0076),
    ];
    const chosen = { memoryMb: 256, shardSize: 1_000 };

    it.each([
      [{ memoryMb: 256, shardSize: 1_000 }, /^the same$/],
      [
        { memoryMb: 512, shardSize: 1_000 },
        /^within the budget too \(407 ms\) at 14 % more .*: kept/,
      ],
      [{ memoryMb: 512, shardSize: 2_000 }, /^\*\*different: update it\*\*$/],
      [{ memoryMb: 1_769, shardSize: 1_000 }, /^\*\*different: update it\*\*$/],
      [{ memoryMb: 128, shardSize: 250 }, /^\*\*different: update it\*\*$/],
    ])('judges the stack at %j', (stack, verdict) => {
      // Act
      const judged = stackVerdict({ chosen, stack, grid });

      // Assess
      expect(judged).toMatch(verdict);
    });

    it('says so when no setting is within the budget', () => {
      // Act
      const judged = stackVerdict({ chosen: undefined, stack: chosen, grid });

      // Assess
      expect(judged).toBe('**no setting is within the budget**');
    });
  });
});
