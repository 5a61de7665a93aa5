import { setWithin } from './set-within';

export interface TokenBucketOptions {
  /** Frames a connection may send in one burst (the bucket's size). Default 20. */
  readonly capacity?: number;
  /** Tokens added back per second, up to `capacity`: the sustained rate. Default 10. */
  readonly refillPerSecond?: number;
  /**
   * Connections tracked at once. Past it the least recently seen one is forgotten (and starts
   * again with a full bucket), which bounds memory. Default 10 000.
   */
  readonly maxTracked?: number;
  /** The clock, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per connection id, held in this process's memory.
 *
 * Trade-off: the buckets live in one Lambda container, not in DynamoDB, because a shared
 * counter would add a write to every message (the cost goal is zero writes per room message).
 * The limit is therefore per container: when N warm containers serve one flooding connection
 * at once, up to N × the rate gets through. The global bound is the stage's throttling
 * (API Gateway's default: 500 requests per second, bursts of 1 000); this limiter cheaply
 * stops the common case, one client flooding, before it reaches the store or fans out.
 *
 * @example
 * const limiter = new TokenBucketRateLimiter({ capacity: 20, refillPerSecond: 10 });
 * if (!limiter.tryTake(connectionId)) return 'RATE_LIMITED';
 */
export class TokenBucketRateLimiter {
  private readonly capacity: number;
  private readonly refillPerMs: number;
  private readonly maxTracked: number;
  private readonly now: () => number;
  /** Insertion order is recency order: the first entry is the least recently used. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: TokenBucketOptions = {}) {
    this.capacity = options.capacity ?? 20;
    const refillPerSecond = options.refillPerSecond ?? 10;
    this.maxTracked = options.maxTracked ?? 10_000;
    this.now = options.now ?? (() => Date.now());
    if (!(this.capacity >= 1)) throw new RangeError('capacity must be at least 1');
    if (!(refillPerSecond > 0)) throw new RangeError('refillPerSecond must be positive');
    if (!(this.maxTracked >= 1)) throw new RangeError('maxTracked must be at least 1');
    this.refillPerMs = refillPerSecond / 1000;
  }

  /** Takes a token for `id`: true when it had one (the frame may proceed), false when limited. */
  tryTake(id: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(id);
    let tokens = this.capacity;
    if (bucket) {
      const elapsed = Math.max(0, now - bucket.updatedAt);
      tokens = Math.min(this.capacity, bucket.tokens + elapsed * this.refillPerMs);
    }
    const allowed = tokens >= 1;
    setWithin(
      this.buckets,
      id,
      { tokens: allowed ? tokens - 1 : tokens, updatedAt: now },
      this.maxTracked,
    );
    return allowed;
  }

  /** How many connections are tracked now (at most `maxTracked`). */
  get size(): number {
    return this.buckets.size;
  }
}
