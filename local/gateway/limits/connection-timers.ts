/** Which limit ended the connection. */
export type ExpiredLimit = 'idle' | 'duration';

export interface ConnectionTimerOptions {
  /** Closes after this long without traffic: 10 minutes on API Gateway. */
  readonly idleTimeoutMs: number;
  /** Closes this long after the connection opened: 2 hours on API Gateway. */
  readonly maxDurationMs: number;
  readonly onExpire: (limit: ExpiredLimit) => void;
}

/**
 * The idle timeout and the maximum duration of one connection. `touch()` on traffic in
 * either direction restarts the idle timeout; `stop()` when the connection ends.
 *
 * @example
 * const timers = new ConnectionTimers({ idleTimeoutMs: 600_000, maxDurationMs: 7_200_000, onExpire: () => ws.close(1001, 'Going away') });
 * ws.on('message', () => timers.touch());
 */
export class ConnectionTimers {
  private readonly idle: NodeJS.Timeout;
  private readonly duration: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: ConnectionTimerOptions) {
    this.duration = setTimeout(() => this.expire('duration'), options.maxDurationMs);
    this.idle = setTimeout(() => this.expire('idle'), options.idleTimeoutMs);
  }

  /** Restarts the idle timeout. */
  touch(): void {
    if (!this.stopped) this.idle.refresh();
  }

  /** Cancels both timers. Idempotent. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.idle);
    clearTimeout(this.duration);
  }

  private expire(limit: ExpiredLimit): void {
    if (this.stopped) return;
    this.stop();
    this.options.onExpire(limit);
  }
}
