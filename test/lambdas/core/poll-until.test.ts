import { pollUntil } from '../../../lambdas/core/poll-until';

describe('Function: pollUntil', () => {
  it('reads until done, waiting 10, 20, 40 ms, then capped', async () => {
    // Prepare
    const waits: number[] = [];
    let reads = 0;

    // Act
    const result = await pollUntil({
      read: async () => ++reads,
      isDone: (value) => value === 5,
      deadline: () => Date.now() + 60_000,
      firstWaitMs: 10,
      maxWaitMs: 30,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    // Assess
    expect(result).toEqual({ value: 5, done: true });
    expect(waits).toEqual([10, 20, 30, 30]);
  });

  it('stops at the deadline with the value read last, and never sleeps past it', async () => {
    // Prepare
    const waits: number[] = [];
    const deadline = Date.now() + 5;

    // Act
    const result = await pollUntil({
      read: async () => 'pending',
      isDone: () => false,
      deadline: () => deadline,
      firstWaitMs: 1_000,
      maxWaitMs: 1_000,
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    });

    // Assess
    expect(result).toEqual({ value: 'pending', done: false });
    expect(waits.every((ms) => ms <= 5)).toBe(true);
  });
});
