import { performance } from 'node:perf_hooks';

/**
 * The one bound of a whole run: every wait of the run is capped by what is left of it.
 *
 * @example
 * const deadline = new Deadline(120_000);
 * await client.request('join', { room }, deadline.cap(10_000)); // 10 s, or less near the end
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(ms: number) {
    this.endsAt = performance.now() + ms;
  }

  /** Milliseconds left; 0 once passed. */
  remaining(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  passed(): boolean {
    return this.remaining() === 0;
  }

  /** `ms`, or what is left if less (at least 1, so a timer still fires). */
  cap(ms: number): number {
    return Math.max(1, Math.min(ms, this.remaining()));
  }

  /**
   * Resolves with `promise`, or rejects when the deadline passes first; a result that comes
   * too late is handed to `onLate` (to close it).
   */
  race<T>(promise: Promise<T>, what: string, onLate: (late: T) => void): Promise<T> {
    const ms = this.cap(Number.POSITIVE_INFINITY);
    return new Promise((resolve, reject) => {
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        reject(new Error(`${what} did not finish within ${Math.round(ms)} ms`));
      }, ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          if (expired) onLate(value);
          else resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
