import type { LoadSummary } from '../../../bench/load/load-runner';
import { formatSummary } from '../../../bench/load/summary-format';

const SUMMARY: LoadSummary = {
  ok: true,
  plan: { clients: 40, rooms: 8, messages: 20, concurrency: 1, timeoutS: 120 },
  target: 'in-process',
  timedOut: false,
  setupMs: 8_100,
  sendWindowMs: 9_900,
  wallMs: 18_800,
  deliveriesPerSecond: 323.6,
  messagesPerSecond: 80.8,
  ledger: {
    messagesSent: 800,
    messagesAcked: 800,
    expected: 3_200,
    delivered: 3_200,
    lost: 0,
    duplicated: 0,
    misdelivered: 0,
    mislabelled: 0,
    ackMismatches: 0,
    examples: [],
  },
  deliveryLatencyMs: {
    count: 3_200,
    min: 5,
    p50: 356.84,
    p90: 564.5,
    p99: 1605.3,
    max: 3275.5,
    mean: 400,
  },
  ackLatencyMs: { count: 800, min: 6, p50: 422.3, p90: 900, p99: 1663, max: 3300, mean: 450 },
  errors: {
    errorFrames: 0,
    errorAcks: 0,
    failedRequests: 0,
    unexpectedFrames: 0,
    unexpectedCloses: 0,
    ackMismatches: 0,
    mislabelled: 0,
    total: 0,
  },
};

describe('Function: formatSummary', () => {
  it('prints a Markdown table of the run', () => {
    // Act
    const text = formatSummary(SUMMARY);

    // Assess
    expect(text).toContain(
      '40 clients, 8 rooms, 20 messages each, 1 in flight per client (in-process)',
    );
    expect(text).toContain('| result | PASS |');
    expect(text).toContain('| lost / duplicated / misdelivered | 0 / 0 / 0 |');
    expect(text).toContain(
      '| delivery latency p50 / p90 / p99 / max | 356.8 ms / 564.5 ms / 1605.3 ms / 3275.5 ms |',
    );
    expect(text).toContain('| deliveries per second | 324 |');
    expect(text).toContain('| set-up / send window / wall | 8.1 s / 9.9 s / 18.8 s |');
    expect(text).not.toContain('First problems');
  });

  it('names the failing counters and lists the first problems', () => {
    // Prepare
    const failed: LoadSummary = {
      ...SUMMARY,
      ok: false,
      ledger: { ...SUMMARY.ledger, lost: 1, examples: ['client 2 never got 0:0'] },
      deliveryLatencyMs: { ...SUMMARY.deliveryLatencyMs, p50: null },
      errors: { ...SUMMARY.errors, errorFrames: 2, unexpectedCloses: 1, total: 3 },
    };

    // Act
    const text = formatSummary(failed);

    // Assess
    expect(text).toContain('| result | FAIL |');
    expect(text).toContain('| errors | 3 (errorFrames 2, unexpectedCloses 1) |');
    expect(text).toContain('| delivery latency p50 / p90 / p99 / max | - / ');
    expect(text).toContain('First problems:\n- client 2 never got 0:0');
  });
});
