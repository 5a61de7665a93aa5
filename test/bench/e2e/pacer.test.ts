import { Pacer } from '../../../bench/e2e/pacer';

/** A fake clock: `sleep` advances it and records each wait. */
function fakeClock(): {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  waits: number[];
  advance: (ms: number) => void;
} {
  let time = 1_000;
  const waits: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      waits.push(ms);
      time += ms;
    },
    waits,
    advance: (ms) => {
      time += ms;
    },
  };
}

describe('Class: Pacer', () => {
  describe('Method: wait', () => {
    it('lets the first frame go at once, then spaces frames by the refill interval plus margin', async () => {
      // Prepare
      const clock = fakeClock();
      const pacer = new Pacer(10, clock.now, clock.sleep);

      // Act
      await pacer.wait();
      await pacer.wait();
      await pacer.wait();

      // Assess
      expect(pacer.intervalMs).toBeCloseTo(110);
      expect(clock.waits).toHaveLength(2);
      expect(clock.waits[0]).toBeCloseTo(110);
      expect(clock.waits[1]).toBeCloseTo(110);
    });

    it('does not wait when the caller was already slower than the interval', async () => {
      // Prepare
      const clock = fakeClock();
      const pacer = new Pacer(10, clock.now, clock.sleep, 0);
      await pacer.wait();
      clock.advance(250);

      // Act
      await pacer.wait();

      // Assess
      expect(clock.waits).toEqual([]);
    });
  });

  it.each([0, -1, Number.NaN])('rejects a refill rate of %p', (rate) => {
    expect(() => new Pacer(rate)).toThrow(RangeError);
  });
});
