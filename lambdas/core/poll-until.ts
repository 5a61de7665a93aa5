/** How `pollUntil` reads, when it stops and how long it waits between reads. */
export interface PollOptions<T> {
  /** Reads the value once. */
  read(): Promise<T>;
  /** Whether `value` is what was waited for. */
  isDone(value: T): boolean;
  /** Epoch ms after which no more reads are made, asked after each read (it may move). */
  deadline(value: T): number;
  /** First wait between two reads; doubled after each, up to `maxWaitMs`. */
  readonly firstWaitMs: number;
  readonly maxWaitMs: number;
  /** Waits `ms`; tests inject a fake. Default `setTimeout`. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/**
 * Reads until the value is done or the deadline passes, waiting longer and longer between
 * reads (never past the deadline). Resolves with the value read last and whether it was done.
 *
 * @example
 * const { value, done } = await pollUntil({ read: () => store.answers(id), isDone: (a) => a.size === 2, deadline: () => end, firstWaitMs: 25, maxWaitMs: 400 });
 */
export async function pollUntil<T>(options: PollOptions<T>): Promise<{ value: T; done: boolean }> {
  const sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let wait = options.firstWaitMs;
  for (;;) {
    const value = await options.read();
    if (options.isDone(value)) return { value, done: true };
    const left = options.deadline(value) - Date.now();
    if (left <= 0) return { value, done: false };
    await sleep(Math.min(wait, left));
    wait = Math.min(wait * 2, options.maxWaitMs);
  }
}
