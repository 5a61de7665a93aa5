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
        warmUpBursts: 1,
        capacitySenders: 3,
        broadcastMembers: 8,
        broadcastSenders: 2,
        broadcastMessagesPerSender: 2,
        broadcastRatePerSender: 3,
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
    expect(results.warmUp).toHaveLength(1);
    const warmUp = results.warmUp.map((burst) => burst.throughput);
    for (const burst of [results.throughputCold, ...warmUp, results.throughput]) {
      expect(burst).toMatchObject({ messages: 4, expectedDeliveries: 16, deliveries: 16 });
    }
    expect(results.capacity).toMatchObject({
      senders: 3,
      messages: 6,
      expectedDeliveries: 24,
      deliveries: 24,
    });
    // The namespace grew from the room's 5 sockets to 8: 2 senders × 2 messages × 7 recipients.
    for (const burst of [results.broadcastFirst, results.broadcast]) {
      expect(burst).toMatchObject({
        senders: 2,
        messages: 4,
        expectedDeliveries: 28,
        deliveries: 28,
      });
    }
    if (process.platform === 'linux') {
      for (const cpu of [results.warmUp[0]?.cpu, results.throughputCpu, results.broadcastCpu]) {
        const cpuMs = Object.values(cpu ?? {});
        expect(cpuMs.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThan(0);
      }
    }
    expect(results.connections).toMatchObject({ held: 60, stoppedBy: 'bound' });
    // A first batch of 25 starts the containers; batches double up to the plan's 50.
    expect(results.connections.steps.map((step) => step.held)).toEqual([25, 50, 60]);
  });
});
