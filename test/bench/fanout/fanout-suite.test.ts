import { runSuite } from '../../../bench/bench-section';
import {
  DEFAULT_FANOUT_PLAN,
  FANOUT_SUITE,
  formatFanoutMarkdown,
  measureFanout,
} from '../../../bench/fanout/fanout-suite';

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

  it('renders a section with a row per mode and size', async () => {
    // Act
    const section = await runSuite(
      FANOUT_SUITE,
      { ...DEFAULT_FANOUT_PLAN, roomSizes: [10, 100], postDelayMs: 1 },
      'npm run bench -- --suite fanout',
      () => undefined,
    );

    // Assess
    expect(section.id).toBe('fanout');
    expect(section.markdown.match(/^\| (single invocation|sharded) \|/gm)).toHaveLength(4);
    expect(formatFanoutMarkdown(DEFAULT_FANOUT_PLAN, [])).toContain('Efficiency');
  });
});
