/** A bounded exponential backoff with full jitter. Every field has a default. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. Default 3. */
  readonly retries?: number;
  /** Ceiling of the first backoff, doubled on each later retry. Default 50 ms. */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling. Default 1 s. */
  readonly maxDelayMs?: number;
  /** Epoch ms after which no wait may end: the last error is rethrown instead. Default: none. */
  readonly deadline?: number;
  /** Waits `ms`; tests inject a fake. Default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Whether the wait is drawn under the ceiling (full jitter) or is the ceiling itself. Default true. */
  readonly jitter?: boolean;
  /** A number in [0, 1) that picks the delay under the ceiling. Default `Math.random`. */
  readonly random?: () => number;
}

const DEFAULT_RETRIES = 3;
const DEFAULT_BASE_DELAY_MS = 50;
const DEFAULT_MAX_DELAY_MS = 1_000;

/**
 * The wait before retry number `retry` (1-based): full jitter, a uniform draw in
 * [0, min(maxDelayMs, baseDelayMs * 2^(retry - 1))), or that ceiling without jitter.
 *
 * @example
 * backoffDelay(3, { random: () => 0.5 }); // 0.5 * min(1000, 50 * 4) = 100
 */
export function backoffDelay(retry: number, policy: RetryPolicy = {}): number {
  const base = policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const cap = policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const ceiling = Math.min(cap, base * 2 ** (retry - 1));
  if (policy.jitter === false) return ceiling;
  const random = policy.random ?? Math.random;
  return random() * ceiling;
}

/**
 * Runs `attempt` until it resolves, rethrowing at once an error `isRetryable` refuses, and
 * the last error once `retries` retries have failed or the next wait would end after
 * `deadline`. At most `retries + 1` attempts, and at most the sum of the backoff ceilings
 * spent waiting (350 ms with the defaults).
 *
 * @example
 * const result = await withRetries(() => client.send(command), isThrottling, { retries: 2 });
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy = {},
): Promise<T> {
  const retries = policy.retries ?? DEFAULT_RETRIES;
  const sleep = policy.sleep ?? defaultSleep;
  for (let retry = 0; ; retry++) {
    let delay: number;
    try {
      return await attempt();
    } catch (error) {
      if (retry >= retries || !isRetryable(error)) throw error;
      delay = backoffDelay(retry + 1, policy);
      if (policy.deadline !== undefined && Date.now() + delay > policy.deadline) throw error;
    }
    await sleep(delay);
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
