import type { ConnectionProbeResult } from '../../../bench/e2e/connection-probe';
import { QUICK_E2E_PLAN } from '../../../bench/e2e/e2e-plan';
import { type E2eResults, formatE2eMarkdown, ms } from '../../../bench/e2e/e2e-report';
import { distribution } from '../../../bench/load/stats';

function results(): E2eResults {
  const step = { held: 2_000, batchMs: 900, rssMb: 520, heapUsedMb: 400, dynamoDbRssMb: 234.3 };
  const connections: ConnectionProbeResult = {
    held: 2_000,
    stoppedBy: 'bound',
    before: { held: 0, batchMs: 0, rssMb: 400, heapUsedMb: 300, dynamoDbRssMb: null },
    steps: [step],
    connectMs: distribution([5, 10]),
    msPerConnect: 5.2,
    rssKbPerConnection: 61,
    heapKbPerConnection: 51,
    dynamoDbRssKbPerConnection: null,
    closeMs: 3_979,
  };
  return {
    plan: QUICK_E2E_PLAN,
    direct: { messages: 100, lost: 0, latencyMs: distribution([10, 20, 30]) },
    room: {
      members: 100,
      messages: 30,
      recipientsPerMessage: 99,
      lost: 1,
      lastRecipientMs: distribution([90, 100]),
      eachRecipientMs: distribution([50, 60]),
      deliveriesPerSecond: 967,
    },
    throughput: {
      senders: 5,
      messages: 100,
      expectedDeliveries: 9_900,
      deliveries: 9_900,
      windowMs: 6_771,
      deliveriesPerSecond: 1_462,
      eachRecipientMs: distribution([]),
    },
    connections,
  };
}

describe('Function: formatE2eMarkdown', () => {
  it('reports latency percentiles, deliveries per second and connections held', () => {
    // Act
    const markdown = formatE2eMarkdown(results());

    // Assess
    expect(markdown).toContain(
      '| Direct message, send → receive | 3 | 20.0 | 30.0 | 30.0 | 100 sequential, 0 lost |',
    );
    expect(markdown).toContain('99 recipients each, 1 lost');
    expect(markdown).toContain('| 1,462 |');
    expect(markdown).toContain(
      '| Held at once (all answering `whoami`) | 2,000 of at most 2,000 |',
    );
    expect(markdown).toContain('400.0 MB → 520.0 MB (61 KB per connection)');
  });

  it('shows a dash where nothing was measured', () => {
    const markdown = formatE2eMarkdown(results());

    expect(markdown).toContain('| 0 | – | – | – |');
    expect(markdown).toContain('– → 234.3 MB (– per connection)');
  });
});

describe('Function: ms', () => {
  it('keeps one decimal and shows a dash for null', () => {
    expect(ms(14.04)).toBe('14.0');
    expect(ms(null)).toBe('–');
  });
});
