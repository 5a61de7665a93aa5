import { Backoff } from '../../client/backoff';

describe('Class: Backoff', () => {
  describe('Method: delay', () => {
    it('grows exponentially from the initial delay up to the maximum without jitter', () => {
      // Prepare
      const backoff = new Backoff(
        { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0 },
        () => 0.9,
      );

      // Act
      const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoff.delay(attempt));

      // Assess
      expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    });

    it('spreads each delay by the jitter with the injected random source', () => {
      // Prepare
      const options = { initialDelayMs: 100, maxDelayMs: 10_000, factor: 3, jitter: 0.5 };
      const low = new Backoff(options, () => 0);
      const mid = new Backoff(options, () => 0.5);
      const high = new Backoff(options, () => 0.99);

      // Act
      const delays = [1, 2, 3].map((attempt) => [
        low.delay(attempt),
        mid.delay(attempt),
        high.delay(attempt),
      ]);

      // Assess
      expect(delays).toEqual([
        [50, 100, 149],
        [150, 300, 447],
        [450, 900, 1_341],
      ]);
    });

    it('never exceeds the maximum, jitter included', () => {
      // Prepare
      const backoff = new Backoff(
        { initialDelayMs: 1_000, maxDelayMs: 5_000, factor: 2, jitter: 0.5 },
        () => 0.99,
      );

      // Act
      const delay = backoff.delay(10);

      // Assess
      expect(delay).toBe(5_000);
    });
  });
});
