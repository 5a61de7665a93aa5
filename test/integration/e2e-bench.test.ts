import { measureEndToEnd } from '../../bench/e2e/e2e-suite';

jest.setTimeout(120_000);

describe('Function: measureEndToEnd (tiny sizes, real local runtime)', () => {
  it('measures every phase without losing a message and closes what it opened', async () => {
    // Act
    const results = await measureEndToEnd(
      {
        directMessages: 3,
        roomMembers: 5,
        roomMessages: 2,
        throughputSenders: 2,
        throughputMessagesPerSender: 2,
        capacitySenders: 3,
        connectBatch: 50,
        maxConnections: 60,
        maxRssGrowthMb: 1_024,
        refillPerSecond: 10,
      },
      () => undefined,
    );

    // Assess
    expect(results.direct).toMatchObject({ messages: 3, lost: 0 });
    expect(results.direct.latencyMs.count).toBe(3);
    expect(results.room).toMatchObject({ members: 5, recipientsPerMessage: 4, lost: 0 });
    expect(results.room.eachRecipientMs.count).toBe(8);
    for (const burst of [results.throughputCold, results.throughput]) {
      expect(burst).toMatchObject({ messages: 4, expectedDeliveries: 16, deliveries: 16 });
    }
    expect(results.capacity).toMatchObject({
      senders: 3,
      messages: 6,
      expectedDeliveries: 24,
      deliveries: 24,
    });
    if (process.platform === 'linux') {
      const cpuMs = Object.values(results.throughputCpu ?? {});
      expect(cpuMs.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThan(0);
    }
    expect(results.connections).toMatchObject({ held: 60, stoppedBy: 'bound' });
    // A first batch of 25 starts the containers; batches double up to the plan's 50.
    expect(results.connections.steps.map((step) => step.held)).toEqual([25, 50, 60]);
  });
});
