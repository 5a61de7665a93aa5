import { distribution, percentile } from '../../../bench/load/stats';

describe('Function: percentile', () => {
  it('takes the nearest rank: the smallest sample with at least p percent at or below it', () => {
    // Prepare
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);

    // Act & Assess
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 90)).toBe(90);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
  });

  it('rounds the rank up on small sets', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([7], 1)).toBe(7);
  });

  it('is null without samples', () => {
    expect(percentile([], 50)).toBeNull();
  });

  it.each([-1, 101, Number.NaN])('rejects p = %p', (p) => {
    expect(() => percentile([1], p)).toThrow(RangeError);
  });
});

describe('Function: distribution', () => {
  it('sorts numerically, without changing its input', () => {
    // Prepare
    const samples = [30, 100, 9, 20, 10];

    // Act
    const result = distribution(samples);

    // Assess
    expect(result).toEqual({ count: 5, min: 9, p50: 20, p90: 100, p99: 100, max: 100, mean: 33.8 });
    expect(samples).toEqual([30, 100, 9, 20, 10]);
  });

  it('gives nulls for no samples', () => {
    expect(distribution([])).toEqual({
      count: 0,
      min: null,
      p50: null,
      p90: null,
      p99: null,
      max: null,
      mean: null,
    });
  });
});
