import type { Timers } from '../../client/timers';

interface Task {
  readonly at: number;
  readonly callback: () => void;
}

/**
 * Timers on a clock that only moves when a test calls `advance`: nothing depends on real time.
 *
 * @example
 * const clock = new ManualClock();
 * const socket = connect(url, { timers: clock });
 * clock.advance(1_000); // fires what was due within the next second, in time order
 */
export class ManualClock implements Timers {
  private now = 0;
  private nextHandle = 1;
  private readonly tasks = new Map<number, Task>();

  readonly setTimeout = (callback: () => void, ms: number): number => {
    const handle = this.nextHandle++;
    this.tasks.set(handle, { at: this.now + Math.max(0, ms), callback });
    return handle;
  };

  readonly clearTimeout = (handle: unknown): void => {
    this.tasks.delete(handle as number);
  };

  /** Moves the clock forward, running every callback that falls due (even ones scheduled meanwhile). */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = [...this.tasks.entries()]
        .filter(([, task]) => task.at <= target)
        .sort(([a, first], [b, second]) => first.at - second.at || a - b)[0];
      if (!due) break;
      const [handle, task] = due;
      this.tasks.delete(handle);
      this.now = task.at;
      task.callback();
    }
    this.now = target;
  }

  /** Delays of the timers still pending, from now. */
  get pending(): number[] {
    return [...this.tasks.values()].map((task) => task.at - this.now);
  }
}
