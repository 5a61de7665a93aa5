import { Deadline } from '../../../bench/load/deadline';

describe('Class: Deadline', () => {
  describe('Method: cap', () => {
    it('caps a wait at what is left, and at least 1 ms', async () => {
      // Prepare
      const long = new Deadline(60_000);
      const short = new Deadline(5);

      // Act
      await new Promise((resolve) => setTimeout(resolve, 20));

      // Assess
      expect(long.cap(1_000)).toBe(1_000);
      expect(long.cap(120_000)).toBeLessThanOrEqual(60_000);
      expect(short.passed()).toBe(true);
      expect(short.remaining()).toBe(0);
      expect(short.cap(1_000)).toBe(1);
    });
  });

  describe('Method: race', () => {
    it('resolves with a result in time', async () => {
      await expect(new Deadline(1_000).race(Promise.resolve(7), 'start', jest.fn())).resolves.toBe(
        7,
      );
    });

    it('rejects when the deadline passes first, and hands the late result over', async () => {
      // Prepare
      const onLate = jest.fn();
      let finish: (value: string) => void = () => undefined;
      const slow = new Promise<string>((resolve) => {
        finish = resolve;
      });

      // Act
      const raced = new Deadline(10).race(slow, 'runtime start-up', onLate);

      // Assess
      await expect(raced).rejects.toThrow('runtime start-up did not finish within');
      finish('late runtime');
      await slow;
      await Promise.resolve();
      expect(onLate).toHaveBeenCalledWith('late runtime');
    });
  });
});
