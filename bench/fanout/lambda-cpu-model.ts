/**
 * Fan-out wall time and cost on Lambda, from the CPU a post costs (measured by the `post-cpu`
 * suite) and the CPU share Lambda gives a memory size: 1,769 MB is one vCPU, and the share is
 * linear below it. Node posts from one thread, so more than one vCPU does not help.
 */

/** What a fan-out costs and waits for: per message, per post and per shard dispatch. */
export interface FanOutCosts {
  /**
   * CPU of the message function's own work per room message, before its posts (the event,
   * the sender, the budget, the room's members), at one full vCPU, µs (measured).
   */
  readonly cpuPerMessageMicros: number;
  /** CPU per post at one full vCPU, µs (the lean path's, measured). */
  readonly cpuPerPostMicros: number;
  /** CPU per asynchronous invocation of the deliver worker (an SDK call), µs. */
  readonly cpuPerDispatchMicros: number;
  /** Round trip of one `@connections` post, ms (posts in flight overlap it). */
  readonly postLatencyMs: number;
  /** From an asynchronous invoke to the (warm) worker running, ms. */
  readonly dispatchLatencyMs: number;
  /** Posts in flight per invocation. */
  readonly concurrency: number;
}

/** What posting costs: the figures `shardWallMs` reads. */
export type PostingCosts = Pick<FanOutCosts, 'cpuPerPostMicros' | 'postLatencyMs' | 'concurrency'>;

/** How the functions that fan out are set up. */
export interface FanOutSetting {
  /** Memory of `message` and `deliver` (the worker), MB. */
  readonly memoryMb: number;
  /** Recipients per invocation: the message function posts one shard, workers the rest. */
  readonly shardSize: number;
}

export interface FanOutEstimate {
  /** From the message function starting its own work to the last post answered, ms. */
  readonly wallMs: number;
  /** Invocations: the message function and one worker per further shard. */
  readonly invocations: number;
  /** Lambda's compute and request charges per million deliveries, USD. */
  readonly lambdaUsdPerMillion: number;
}

/** Memory at which a function has one full vCPU. */
export const ONE_VCPU_MB = 1_769;
/** Lambda on Arm (the stack's architecture), us-east-1: per GB-second and per request. */
export const LAMBDA_PRICE = { perGbSecond: 0.000_013_333_4, perRequest: 0.000_000_2 };

/**
 * The CPU share of a memory size: 1 at 1,769 MB and above, linear below.
 *
 * @example
 * cpuShare(256); // 0.1447
 */
export function cpuShare(memoryMb: number): number {
  return Math.min(memoryMb, ONE_VCPU_MB) / ONE_VCPU_MB;
}

/**
 * The time on Lambda at `memoryMb` of work that took `wallMs` on one full core, `cpuMs` of it
 * on the CPU: the CPU stretched to the memory's share, the rest (waits for I/O) as it was.
 *
 * @example
 * lambdaMsAt(16, 10, 256); // 6 + 10 / 0.1447 ≈ 75
 */
export function lambdaMsAt(wallMs: number, cpuMs: number, memoryMb: number): number {
  return Math.max(0, wallMs - cpuMs) + cpuMs / cpuShare(memoryMb);
}

/**
 * How long one invocation takes to post `recipients` frames: the longer of its CPU at the
 * share of `memoryMb` and the round trips of `concurrency` posts in flight.
 *
 * @example
 * shardWallMs(1_000, 256, costs); // 760 with 110 µs per post
 */
export function shardWallMs(recipients: number, memoryMb: number, costs: PostingCosts): number {
  const cpuMs = (recipients * costs.cpuPerPostMicros) / 1_000 / cpuShare(memoryMb);
  const latencyMs = Math.ceil(recipients / costs.concurrency) * costs.postLatencyMs;
  return Math.max(cpuMs, latencyMs);
}

/**
 * One room message to `recipients` connections: the message function does its own work
 * (`cpuPerMessageMicros`), dispatches a worker per shard beyond its own (their invokes
 * concurrent, their CPU serial), then posts its own shard; the workers post theirs in
 * parallel once invoked. The DynamoDB round trips of the message's own work are left out
 * (their waits are the same for every setting); their CPU is in `cpuPerMessageMicros`.
 *
 * @example
 * estimateFanOut(10_000, { memoryMb: 256, shardSize: 1_000 }, costs).wallMs;
 */
export function estimateFanOut(
  recipients: number,
  setting: FanOutSetting,
  costs: FanOutCosts,
): FanOutEstimate {
  const shards = Math.max(1, Math.ceil(recipients / setting.shardSize));
  const beforePostsMs =
    (costs.cpuPerMessageMicros + (shards - 1) * costs.cpuPerDispatchMicros) /
    1_000 /
    cpuShare(setting.memoryMb);
  const own = Math.min(recipients, setting.shardSize);
  const messageMs = beforePostsMs + shardWallMs(own, setting.memoryMb, costs);
  // Workers: shards - 1 of them, all full but the last.
  const fullMs = shardWallMs(setting.shardSize, setting.memoryMb, costs);
  const lastMs = shardWallMs(
    recipients - (shards - 1) * setting.shardSize,
    setting.memoryMb,
    costs,
  );
  const workerMs = shards === 1 ? [] : [...Array(shards - 2).fill(fullMs), lastMs];
  const workersDoneMs =
    shards === 1 ? 0 : beforePostsMs + costs.dispatchLatencyMs + Math.max(...workerMs);
  const wallMs = Math.max(messageMs, workersDoneMs);
  const busySeconds = (messageMs + workerMs.reduce((sum, ms) => sum + ms, 0)) / 1_000;
  const gbSeconds = (setting.memoryMb / 1_024) * busySeconds;
  const perEmitUsd = gbSeconds * LAMBDA_PRICE.perGbSecond + shards * LAMBDA_PRICE.perRequest;
  return {
    wallMs: Math.round(wallMs),
    invocations: shards,
    lambdaUsdPerMillion: (perEmitUsd * 1_000_000) / recipients,
  };
}

/**
 * The cheapest setting (Lambda's charges per million deliveries) that delivers to
 * `recipients` within `withinMs`; undefined when none does.
 *
 * @example
 * cheapestSetting(10_000, 1_000, settings, costs); // { memoryMb: 256, shardSize: 1000 }
 */
export function cheapestSetting(
  recipients: number,
  withinMs: number,
  settings: readonly FanOutSetting[],
  costs: FanOutCosts,
): FanOutSetting | undefined {
  let best: { setting: FanOutSetting; usd: number } | undefined;
  for (const setting of settings) {
    const estimate = estimateFanOut(recipients, setting, costs);
    if (estimate.wallMs >= withinMs) continue;
    if (!best || estimate.lambdaUsdPerMillion < best.usd) {
      best = { setting, usd: estimate.lambdaUsdPerMillion };
    }
  }
  return best?.setting;
}
