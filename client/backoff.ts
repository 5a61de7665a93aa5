/** Reconnection settings; every field has a default (see `connect`). */
export interface BackoffOptions {
  /** Delay before the first reconnection attempt. Default 500 ms. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay, jitter included. Default 30 s. */
  readonly maxDelayMs: number;
  /** Growth per attempt. Default 2. */
  readonly factor: number;
  /** Spread around the nominal delay, 0..1: 0.5 gives 50 %..150 % of it. Default 0.5. */
  readonly jitter: number;
}

/**
 * Exponential backoff with jitter: attempt n waits
 * `min(maxDelayMs, round(min(maxDelayMs, initialDelayMs * factor^(n-1)) * (1 - jitter + 2 * jitter * random())))`.
 *
 * @example
 * const backoff = new Backoff({ initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0 }, Math.random);
 * backoff.delay(3); // 2000
 */
export class Backoff {
  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number,
  ) {}

  /** The delay before attempt `attempt` (1-based). */
  delay(attempt: number): number {
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.options;
    const nominal = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, attempt - 1));
    const spread = Math.min(1, Math.max(0, jitter));
    const scaled = nominal * (1 - spread + 2 * spread * this.random());
    return Math.max(0, Math.min(maxDelayMs, Math.round(scaled)));
  }
}
