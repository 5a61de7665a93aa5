/**
 * Spaces one connection's frames so the server's per-connection rate limit (a burst of 20,
 * then `refillPerSecond`) never drops one: the bench then measures latency, not the limiter.
 * The clock is injectable so the arithmetic is testable without waiting.
 *
 * @example
 * const pacer = new Pacer(10); // 110 ms apart
 * await pacer.wait();          // at once the first time, then at most every 110 ms
 */
export class Pacer {
  private next = Number.NEGATIVE_INFINITY;

  constructor(
    refillPerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
    /** Slack over the refill interval, for timer jitter (default 10%). */
    margin = 0.1,
  ) {
    if (!(refillPerSecond > 0))
      throw new RangeError(`refillPerSecond must be > 0: ${refillPerSecond}`);
    this.intervalMs = (1_000 / refillPerSecond) * (1 + margin);
  }

  /** The gap kept between two frames (milliseconds). */
  readonly intervalMs: number;

  /** Resolves when the next frame may be sent, and books that slot. */
  async wait(): Promise<void> {
    const delay = this.next - this.now();
    if (delay > 0) await this.sleep(delay);
    this.next = this.now() + this.intervalMs;
  }
}
