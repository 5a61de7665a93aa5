import { backoffDelay, withRetries } from '../../../lambdas/core/retry';

const throttled = () => Object.assign(new Error('slow down'), { name: 'Throttled' });
const isThrottled = (error: unknown) => error instanceof Error && error.name === 'Throttled';

describe('Function: backoffDelay', () => {
  it('doubles the ceiling per retry from 50 ms up to the 1 s cap, and draws under it', () => {
    // Prepare
    const almostOne = () => 0.999_999;

    // Act
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((retry) =>
      Math.round(backoffDelay(retry, { random: almostOne })),
    );

    // Assess
    expect(ceilings).toEqual([50, 100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(100);
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    expect(backoffDelay(2, { baseDelayMs: 10, maxDelayMs: 15, random: almostOne })).toBeCloseTo(15);
  });

  it('waits the ceiling itself without jitter', () => {
    // Act
    const delays = [1, 2, 3, 7].map((retry) =>
      backoffDelay(retry, { baseDelayMs: 20, jitter: false, random: () => 0 }),
    );

    // Assess
    expect(delays).toEqual([20, 40, 80, 1000]);
  });
});

describe('Function: withRetries', () => {
  it('retries a retryable failure with jittered waits and resolves the first success', async () => {
    // Prepare
    const sleeps: number[] = [];
    const attempt = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(throttled())
      .mockRejectedValueOnce(throttled())
      .mockResolvedValue('ok');

    // Act
    const result = await withRetries(attempt, isThrottled, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    });

    // Assess
    expect(result).toBe('ok');
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(sleeps).toEqual([25, 50]);
  });

  it('gives up after `retries` retries and rethrows the last error', async () => {
    // Prepare
    const last = throttled();
    const attempt = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(throttled())
      .mockRejectedValueOnce(throttled())
      .mockRejectedValueOnce(last);
    const sleep = jest.fn(async () => undefined);

    // Act
    const running = withRetries(attempt, isThrottled, { retries: 2, sleep });

    // Assess
    await expect(running).rejects.toBe(last);
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('rethrows a failure that is not retryable at once', async () => {
    // Prepare
    const fatal = new Error('forbidden');
    const attempt = jest.fn<Promise<string>, []>().mockRejectedValue(fatal);
    const sleep = jest.fn(async () => undefined);

    // Act
    const running = withRetries(attempt, isThrottled, { sleep });

    // Assess
    await expect(running).rejects.toBe(fatal);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('rethrows the last error instead of waiting past the deadline', async () => {
    // Prepare
    let clock = 1_000;
    const now = jest.spyOn(Date, 'now').mockImplementation(() => clock);
    const last = throttled();
    const attempt = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(throttled())
      .mockRejectedValueOnce(last);
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    };

    // Act
    const running = withRetries(attempt, isThrottled, {
      retries: Number.POSITIVE_INFINITY,
      jitter: false,
      deadline: 1_000 + 50 + 99,
      sleep,
    });

    // Assess
    await expect(running).rejects.toBe(last);
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(sleeps).toEqual([50]);
    now.mockRestore();
  });

  it('never retries with retries: 0', async () => {
    const attempt = jest.fn<Promise<string>, []>().mockRejectedValue(throttled());
    await expect(withRetries(attempt, isThrottled, { retries: 0 })).rejects.toThrow('slow down');
    expect(attempt).toHaveBeenCalledTimes(1);
  });
});
