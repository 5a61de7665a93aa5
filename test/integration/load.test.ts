import { DEFAULT_PLAN } from '../../bench/load/load-plan';
import { runLoad } from '../../bench/load/load-runner';

jest.setTimeout(60_000);

describe('Function: runLoad (bench/load) against the local runtime', () => {
  it('delivers every message to every other member of its room exactly once, and nowhere else', async () => {
    // Prepare: 6 clients in 2 rooms of 3, 3 messages each, 2 in flight.
    const plan = {
      ...DEFAULT_PLAN,
      clients: 6,
      rooms: 2,
      messages: 3,
      concurrency: 2,
      timeoutS: 45,
    };

    // Act
    const summary = await runLoad(plan);

    // Assess
    expect(summary.ledger.examples).toEqual([]);
    expect(summary).toMatchObject({
      ok: true,
      timedOut: false,
      target: 'in-process',
      ledger: {
        messagesSent: 18,
        messagesAcked: 18,
        expected: 36,
        delivered: 36,
        lost: 0,
        duplicated: 0,
        misdelivered: 0,
        mislabelled: 0,
        ackMismatches: 0,
      },
      errors: { total: 0 },
    });
    expect(summary.deliveryLatencyMs.count).toBe(36);
    expect(summary.ackLatencyMs.count).toBe(18);
    expect(summary.deliveriesPerSecond).toBeGreaterThan(0);
  });
});
