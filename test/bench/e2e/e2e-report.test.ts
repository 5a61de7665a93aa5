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
  const burst = (windowMs: number, deliveriesPerSecond: number, p99Samples: number[] = []) => ({
    senders: 5,
    messages: 100,
    expectedDeliveries: 9_900,
    deliveries: 9_900,
    windowMs,
    deliveriesPerSecond,
    eachRecipientMs: distribution(p99Samples),
  });
  return {
    plan: QUICK_E2E_PLAN,
    cores: 2,
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
    throughputCold: burst(6_771, 1_462),
    warmUp: [
      {
        throughput: burst(2_700, 3_667, [700, 800]),
        cpu: { message: 3_960, 'gateway and clients': 990, 'DynamoDB Local': 990 },
      },
      { throughput: burst(2_600, 3_808, [500, 600]) },
    ],
    throughput: burst(2_475, 4_000, [300, 400]),
    capacity: {
      ...burst(3_800, 4_168, [900, 1_300]),
      senders: 8,
      messages: 160,
      expectedDeliveries: 15_840,
      deliveries: 15_840,
    },
    broadcastFirst: {
      senders: 3,
      messages: 30,
      expectedDeliveries: 29_970,
      deliveries: 29_970,
      windowMs: 6_000,
      deliveriesPerSecond: 4_995,
      eachRecipientMs: distribution([1_800, 2_900]),
    },
    broadcast: {
      senders: 3,
      messages: 30,
      expectedDeliveries: 29_970,
      deliveries: 29_970,
      windowMs: 5_000,
      deliveriesPerSecond: 5_994,
      eachRecipientMs: distribution([1_500, 2_500]),
    },
    throughputCpu: { message: 2_970, 'gateway and clients': 990, 'DynamoDB Local': 990 },
    broadcastCpu: { message: 4_495.5, 'gateway and clients': 2_997, 'DynamoDB Local': 499.5 },
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
    expect(markdown).toContain('| 4,000 |');
    expect(markdown).toContain(
      '| Held at once (all answering `whoami`) | 2,000 of at most 2,000 |',
    );
    expect(markdown).toContain('400.0 MB → 520.0 MB (61 KB per connection)');
    expect(markdown).toContain('here it reached its bound of 2,000.');
  });

  it('says what stopped the connection probe before its bound', () => {
    // Act
    const markdown = formatE2eMarkdown({
      ...results(),
      connections: {
        ...results().connections,
        stoppedBy: 'failure: Opening handshake has timed out',
      },
    });

    // Assess
    expect(markdown).toContain('as it did here (failure: Opening handshake has timed out).');
  });

  it('shows a dash where nothing was measured', () => {
    const markdown = formatE2eMarkdown(results());

    expect(markdown).toContain('| 0 | – | – | – |');
    expect(markdown).toContain('– → 234.3 MB (– per connection)');
  });
});

describe('Function: formatE2eMarkdown, CPU of the warm burst', () => {
  it('gives each process its CPU per delivery and the ceiling that sets on this many cores', () => {
    // Act
    const markdown = formatE2eMarkdown(results());

    // Assess: 4,950 ms for 9,900 deliveries = 500 µs each; 2 cores → 4,000 per second.
    expect(markdown).toContain('| message | 2,970 | 300 |');
    expect(markdown).toContain('| gateway and clients | 990 | 100 |');
    expect(markdown).toContain('| all | 4,950 | 500 |');
    expect(markdown).toContain('2 cores deliver at most 4,000 per second');
    expect(markdown).toContain('| 4,950 |'); // offered: 5 × 10 × 99
  });

  it("puts the broadcast's CPU per delivery beside it, with its own ceiling", () => {
    // Act
    const markdown = formatE2eMarkdown(results());

    // Assess: 7,992 ms for 29,970 deliveries = 267 µs each; 2 cores → 7,500 per second.
    expect(markdown).toContain(
      '| CPU by process | warm 5-sender burst (ms) | per delivery (µs) | broadcast to 1,000 (ms) | per delivery (µs) |',
    );
    expect(markdown).toContain('| message | 2,970 | 300 | 4,496 | 150 |');
    expect(markdown).toContain('| DynamoDB Local | 990 | 100 | 500 | 17 |');
    expect(markdown).toContain('| all | 4,950 | 500 | 7,992 | 267 |');
    expect(markdown).toContain(
      'Broadcasting to 1,000 sockets, 267 µs per delivery, at most 7,500 per second',
    );
  });

  it('leaves the table out where /proc was not there to read', () => {
    // Act
    const markdown = formatE2eMarkdown({
      ...results(),
      throughputCpu: undefined,
      broadcastCpu: undefined,
    });

    // Assess
    expect(markdown).not.toContain('CPU by process');
  });

  it("keeps the warm burst's table when the broadcast's CPU is missing", () => {
    // Act
    const markdown = formatE2eMarkdown({ ...results(), broadcastCpu: undefined });

    // Assess
    expect(markdown).toContain('| Warm burst: CPU by process | CPU (ms) | per delivery (µs) |');
    expect(markdown).toContain('| all | 4,950 | 500 |');
    expect(markdown).not.toContain('Broadcasting to 1,000');
  });
});

describe('Function: formatE2eMarkdown, warm-up', () => {
  it('shows each warm-up burst before the measured one, with its CPU per delivery where read', () => {
    // Act
    const markdown = formatE2eMarkdown(results());

    // Assess: 5,940 ms for 9,900 deliveries = 600 µs each, 400 of them the message function's.
    expect(markdown).toContain('then\n4 times more to warm them up');
    expect(markdown).toContain('| warm-up 1 | 3,667 | 800.0 | 600 | 400 |');
    expect(markdown).toContain('| warm-up 2 | 3,808 | 600.0 | – | – |');
    expect(markdown).toContain('| **warm** (measured) | 4,000 | 400.0 | 500 | 300 |');
  });

  it('has no warm-up table when the plan warms nothing up', () => {
    // Act
    const markdown = formatE2eMarkdown({ ...results(), warmUp: [] });

    // Assess
    expect(markdown).not.toContain('warm-up 1');
  });
});

describe('Function: formatE2eMarkdown, capacity', () => {
  it('reports the capacity burst against what it offered, and says which goal is met', () => {
    // Act
    const markdown = formatE2eMarkdown(results());

    // Assess: 8 senders × 10/s × 99 recipients offered; 4,168/s is short of 5,000.
    expect(markdown).toContain('8 senders at the rate limit, warm, 7,920/s offered');
    expect(markdown).toContain('15,840 of 15,840 delivered in 3,800 ms');
    expect(markdown).toContain('| 4,168 |');
    expect(markdown).toContain(
      'capacity in the room of 100 **not met**, broadcasting to 1,000 sockets met; p99 met.',
    );
  });

  it('reports the broadcast bursts against what they offered', () => {
    // Act
    const markdown = formatE2eMarkdown(results());

    // Assess: 3 senders × 3/s × 999 recipients offered.
    expect(markdown).toContain(
      '| Broadcast to 1,000 sockets, first burst: 3 senders × 3 messages/s (29,970 of 29,970 delivered in 6,000 ms; p99 send → each recipient 2900.0 ms) | 4,995 |',
    );
    expect(markdown).toContain(
      '| **Capacity, broadcast to 1,000 sockets**: 3 senders × 3 messages/s, again, 8,991/s offered (29,970 of 29,970 delivered in 5,000 ms; p99 send → each recipient 2500.0 ms) | 5,994 |',
    );
  });

  it('says the capacity goal is met at 5,000 deliveries per second', () => {
    // Prepare
    const base = results();

    // Act
    const markdown = formatE2eMarkdown({
      ...base,
      capacity: { ...base.capacity, deliveriesPerSecond: 5_000 },
      broadcast: { ...base.broadcast, deliveriesPerSecond: 4_999 },
    });

    // Assess
    expect(markdown).toContain(
      'capacity in the room of 100 met, broadcasting to 1,000 sockets **not met**; p99 met.',
    );
  });
});

describe('Function: ms', () => {
  it('keeps one decimal and shows a dash for null', () => {
    expect(ms(14.04)).toBe('14.0');
    expect(ms(null)).toBe('–');
  });
});
