import { currentDeliveryAccount, type DeliveryAccount } from './delivery-account';
import { RateLimitedError } from './errors';
import type { Budget, FrameCharge, MembershipStore, UserLimitStore } from './ports';
import { setWithin } from './set-within';
import type { RemovedConnection, SocketId, SocketUser } from './types';

/** A count allowed per window of `windowSeconds`. */
export interface WindowLimit {
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * Per-user limits, counted in the `UserLimitStore` so they hold across Lambda containers.
 * Each is on by default; `false` turns it off.
 */
export interface UserLimitOptions {
  /** Open connections per user, all namespaces together; the next `$connect` gets 429. Default 10. */
  readonly connectionsPerUser?: number | false;
  /**
   * Frames a user may send, all connections together. Default 20 per 2 s: one connection's
   * burst and sustained rate (`rateLimit`), for all of the user's connections together.
   */
  readonly messages?: WindowLimit | false;
  /**
   * Recipients the stage may post to on one user's behalf (what the user's frames make it
   * post: room messages, broadcasts, presence). Its window must be a multiple of the messages'
   * window. Default 30,000 per 60 s (50 per frame at the most frames a minute allows).
   */
  readonly deliveries?: WindowLimit | false;
}

export const DEFAULT_USER_LIMITS = {
  connectionsPerUser: 10,
  messages: { limit: 20, windowSeconds: 2 },
  deliveries: { limit: 30_000, windowSeconds: 60 },
} as const satisfies UserLimitOptions;

/** Keys remembered as out of budget in this process (so a flood costs no writes), at most. */
const MAX_REMEMBERED = 10_000;

/** The most a frame reserves from its key's last frame, as a multiple of the base reserve. */
const MAX_RESERVE_FACTOR = 4;

/** Counter items outlive their window by this long before TTL may delete them. */
const EXPIRY_MARGIN_SECONDS = 60;

export interface UserLimitsOptions extends UserLimitOptions {
  readonly store: UserLimitStore;
  /** Where a refused `$connect` checks whether the connections held are still there. */
  readonly connections: Pick<MembershipStore, 'getConnection'>;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/** Why a `$connect` was refused. */
export interface ConnectionRefusal {
  readonly statusCode: 429;
  readonly message: string;
}

/**
 * Enforces the per-user limits: connections at `$connect`, frames and the recipients they
 * make the stage post.
 *
 * One write per frame: each frame adds 1 to its message window and reserves recipients in
 * the same conditional update: the base reserve (the delivery limit shared out over the most
 * frames a window allows: 50 by default), or, when the key's last frame in this process
 * reached more, that many, up to 4 × the base reserve (a user posting to a room of 100 keeps
 * posting to it). Emits of the frame up to what it reserved cost nothing more; beyond it, the
 * excess is charged by a second conditional write before anything is posted. A frame's
 * budget write therefore covers small rooms and a user's repeated messages to a room of up
 * to 200, and only larger fan-outs (whose posts cost far more than a write) pay a second one.
 * The trade-off: frames that post nothing use up what they reserved too (the first of them
 * after a large fan-out at most 4 × the base), so the delivery budget binds only once a
 * user's frames post more than the base reserve on average. A reserve over the base that
 * does not fit in what is left of the budget is retried at the base, so a frame is never
 * refused because of what the frame before it reached.
 *
 * @example
 * const limits = new UserLimits({ store: new InMemoryUserLimitStore(), connections: membershipStore });
 * const refused = await limits.chargeFrame('alice'); // undefined, or a RateLimitedError to answer
 */
export class UserLimits {
  private readonly store: UserLimitStore;
  private readonly connections: Pick<MembershipStore, 'getConnection'>;
  private readonly now: () => number;
  private readonly maxConnections: number | undefined;
  private readonly messages: WindowLimit | undefined;
  private readonly deliveries: WindowLimit | undefined;
  /** Recipients each frame reserves at least. */
  private readonly reserve: number;
  /** Budget key → recipients its last frame in this process reached, when over `reserve`. */
  private readonly lastReached = new Map<string, number>();
  /** Budget key → until when (epoch ms) it is known to be out of which budget. */
  private readonly exhausted = new Map<string, { until: number; budget: Budget }>();
  /** Claim key → the latest window known claimed. */
  private readonly claimed = new Map<string, number>();

  constructor(options: UserLimitsOptions) {
    this.store = options.store;
    this.connections = options.connections;
    this.now = options.now ?? (() => Date.now());
    const max = options.connectionsPerUser ?? DEFAULT_USER_LIMITS.connectionsPerUser;
    this.maxConnections = max === false ? undefined : max;
    this.messages = windowLimit('messages', options.messages, DEFAULT_USER_LIMITS.messages);
    this.deliveries = windowLimit('deliveries', options.deliveries, DEFAULT_USER_LIMITS.deliveries);
    if (this.maxConnections !== undefined && !(Number.isInteger(max) && this.maxConnections >= 1))
      throw new RangeError('connectionsPerUser must be an integer of at least 1');
    if (
      this.messages &&
      this.deliveries &&
      this.deliveries.windowSeconds % this.messages.windowSeconds !== 0
    )
      throw new RangeError('The deliveries window must be a multiple of the messages window');
    this.reserve =
      this.messages && this.deliveries
        ? Math.floor(
            this.deliveries.limit /
              (this.messages.limit * (this.deliveries.windowSeconds / this.messages.windowSeconds)),
          )
        : 0;
  }

  /**
   * Takes one of the user's connection slots for a connection already stored. When all are
   * taken, the holders no longer stored (gone without `$disconnect`, or expired) are released
   * and the slot is tried once more, so stale entries never lock a user out.
   */
  async admit(
    user: SocketUser | undefined,
    connectionId: SocketId,
    expiresAt: number,
  ): Promise<ConnectionRefusal | undefined> {
    const max = this.maxConnections;
    if (!user || max === undefined) return undefined;
    const first = await this.store.acquireConnection(user.id, connectionId, max, expiresAt);
    if (first.acquired) return undefined;
    const others = first.holders.filter((id) => id !== connectionId);
    const stored = await Promise.all(others.map((id) => this.connections.getConnection(id)));
    const stale = others.filter((_, index) => stored[index] === undefined);
    if (stale.length > 0) {
      await this.store.releaseConnections(user.id, stale);
      const second = await this.store.acquireConnection(user.id, connectionId, max, expiresAt);
      if (second.acquired) return undefined;
    }
    return {
      statusCode: 429,
      message: `Too many connections: at most ${max} per user`,
    };
  }

  /** Frees the connection slots of removed connections. */
  async release(removed: readonly RemovedConnection[]): Promise<void> {
    if (this.maxConnections === undefined) return;
    const byUser = new Map<string, SocketId[]>();
    for (const connection of removed) {
      if (!connection.user) continue;
      const ids = byUser.get(connection.user.id) ?? [];
      ids.push(connection.id);
      byUser.set(connection.user.id, ids);
    }
    await Promise.all(
      [...byUser].map(([userId, ids]) => this.store.releaseConnections(userId, ids)),
    );
  }

  /**
   * Charges one frame to `key` (the user's id): resolves with the account its emits are
   * charged to, or rejects with a `RateLimitedError` naming the budget that is spent.
   */
  async chargeFrame(key: string): Promise<DeliveryAccount | undefined> {
    const budgets = this.deliveries ?? this.messages;
    if (!budgets) return undefined;
    const nowMs = this.now();
    const known = this.exhausted.get(key);
    if (known && known.until > nowMs) throw this.refusal(known.budget);
    const nowSeconds = Math.floor(nowMs / 1000);
    const window = nowSeconds - (nowSeconds % budgets.windowSeconds);
    const reserve = this.reserveFor(key);
    const account = { key, window, reserved: reserve, used: 0, charged: 0 };
    if (!this.messages) return account;
    const slice = Math.floor((nowSeconds - window) / this.messages.windowSeconds);
    const charge: FrameCharge = {
      key,
      window,
      slice,
      messageLimit: this.messages.limit,
      reserve,
      deliveryLimit: this.deliveries?.limit,
      expiresAt: window + budgets.windowSeconds + EXPIRY_MARGIN_SECONDS,
    };
    let refused = await this.store.chargeFrame(charge);
    if (refused === 'deliveries' && reserve > this.reserve) {
      refused = await this.store.chargeFrame({ ...charge, reserve: this.reserve });
      if (!refused) return { ...account, reserved: this.reserve };
    }
    if (!refused) return account;
    const until =
      refused === 'messages'
        ? window + (slice + 1) * this.messages.windowSeconds
        : window + budgets.windowSeconds;
    this.remember(key, until * 1000, refused);
    throw this.refusal(refused);
  }

  /**
   * Charges `recipients` more to the frame being handled, if any: beyond what the frame
   * reserved, with a conditional write. Throws a `RateLimitedError` (nothing is posted then)
   * when that goes over the delivery budget.
   */
  async chargeRecipients(recipients: number): Promise<void> {
    const account = currentDeliveryAccount();
    const deliveries = this.deliveries;
    if (!account || !deliveries || recipients === 0) return;
    const excess = Math.max(0, account.used + recipients - account.reserved - account.charged);
    if (excess > 0) {
      const charged =
        excess <= deliveries.limit &&
        (await this.store.chargeDeliveries({
          key: account.key,
          window: account.window,
          recipients: excess,
          deliveryLimit: deliveries.limit,
          expiresAt: account.window + deliveries.windowSeconds + EXPIRY_MARGIN_SECONDS,
        }));
      if (!charged) throw this.refusal('deliveries');
      account.charged += excess;
    }
    account.used += recipients;
  }

  /**
   * Ends a frame's account: what its emits reached becomes the next reserve of its key in
   * this process (`chargeFrame`), when over the base reserve.
   */
  settleFrame(account: DeliveryAccount): void {
    if (this.reserve === 0) return;
    if (account.used <= this.reserve) this.lastReached.delete(account.key);
    else setWithin(this.lastReached, account.key, account.used, MAX_REMEMBERED);
  }

  /**
   * True for the first call with `key` in each window of `seconds`, in all processes
   * together; this process remembers the windows it saw claimed, so later calls cost nothing.
   */
  async claimOnce(key: string, seconds: number): Promise<boolean> {
    const nowSeconds = Math.floor(this.now() / 1000);
    const window = nowSeconds - (nowSeconds % seconds);
    if (this.claimed.get(key) === window) return false;
    const first = await this.store.claim(key, window, window + seconds + EXPIRY_MARGIN_SECONDS);
    this.claimed.set(key, window);
    return first;
  }

  /** The base reserve, or what the key's last frame reached, up to `MAX_RESERVE_FACTOR` × it. */
  private reserveFor(key: string): number {
    const reached = this.lastReached.get(key) ?? 0;
    return Math.max(this.reserve, Math.min(reached, this.reserve * MAX_RESERVE_FACTOR));
  }

  private remember(key: string, until: number, budget: Budget): void {
    if (this.exhausted.size >= MAX_REMEMBERED) {
      const now = this.now();
      for (const [id, entry] of this.exhausted) if (entry.until <= now) this.exhausted.delete(id);
      if (this.exhausted.size >= MAX_REMEMBERED) this.exhausted.clear();
    }
    this.exhausted.set(key, { until, budget });
  }

  private refusal(budget: Budget): RateLimitedError {
    const limit = budget === 'messages' ? this.messages : this.deliveries;
    const what = budget === 'messages' ? 'frames from one user' : "recipients on one user's behalf";
    return new RateLimitedError(
      budget,
      `Over the ${budget} budget: at most ${limit?.limit} ${what} per ${limit?.windowSeconds} s`,
    );
  }
}

function windowLimit(
  name: string,
  value: WindowLimit | false | undefined,
  fallback: WindowLimit,
): WindowLimit | undefined {
  if (value === false) return undefined;
  const limit = value ?? fallback;
  if (!(Number.isInteger(limit.limit) && limit.limit >= 1))
    throw new RangeError(`${name}.limit must be an integer of at least 1`);
  if (!(Number.isInteger(limit.windowSeconds) && limit.windowSeconds >= 1))
    throw new RangeError(`${name}.windowSeconds must be an integer of at least 1`);
  return limit;
}
