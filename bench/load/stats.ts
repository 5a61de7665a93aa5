/** Percentiles of a set of samples (milliseconds, usually); `null` when there are none. */
export interface Distribution {
  readonly count: number;
  readonly min: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

/**
 * The nearest-rank percentile of samples sorted in ascending order: the smallest sample
 * that at least `p` percent of the samples are less than or equal to.
 *
 * @example
 * percentile([1, 2, 3, 4], 50); // 2
 * percentile([1, 2, 3, 4], 99); // 4
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100: ${p}`);
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/**
 * Summarises samples in any order (the array is not changed).
 *
 * @example
 * distribution([30, 10, 20]); // { count: 3, min: 10, p50: 20, p90: 30, p99: 30, max: 30, mean: 20 }
 */
export function distribution(samples: readonly number[]): Distribution {
  const sorted = Float64Array.from(samples).sort();
  const values = Array.from(sorted);
  const count = values.length;
  return {
    count,
    min: values[0] ?? null,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values[count - 1] ?? null,
    mean: count === 0 ? null : values.reduce((sum, value) => sum + value, 0) / count,
  };
}
