import type { Budget, ConnectionSlot, DeliveryCharge, FrameCharge, UserLimitStore } from './ports';
import type { SocketId } from './types';

export interface InMemoryUserLimitStoreOptions {
  /** Clock in epoch milliseconds, compared with `expiresAt` (epoch seconds). Default `Date.now`. */
  readonly now?: () => number;
}

/** One key's counters in one window: frames per message window (slice), recipients in all. */
interface Counters {
  readonly messages: Map<number, number>;
  deliveries: number;
  readonly expiresAt: number;
}

/**
 * `UserLimitStore` in Maps, for unit tests and single-process runs; the same semantics as the
 * DynamoDB store. Counters and claims whose `expiresAt` has passed count as absent and are
 * dropped as they are met, so memory stays bounded by the live windows.
 *
 * @example
 * const limits = new InMemoryUserLimitStore();
 * await limits.acquireConnection('alice', 'R1kmxc2VNjMCFIA=', 10, expiresAt); // { acquired: true }
 */
export class InMemoryUserLimitStore implements UserLimitStore {
  private readonly connections = new Map<string, Set<SocketId>>();
  private readonly counters = new Map<string, Counters>();
  private readonly claims = new Map<string, number>();
  private readonly now: () => number;
  private sweptAt = 0;

  constructor(options: InMemoryUserLimitStoreOptions = {}) {
    this.now = options.now ?? (() => Date.now());
  }

  async acquireConnection(
    userId: string,
    connectionId: SocketId,
    max: number,
  ): Promise<ConnectionSlot> {
    const held = this.connections.get(userId) ?? new Set<SocketId>();
    if (!held.has(connectionId) && held.size >= max) return { acquired: false, holders: [...held] };
    held.add(connectionId);
    this.connections.set(userId, held);
    return { acquired: true };
  }

  async releaseConnections(userId: string, connectionIds: readonly SocketId[]): Promise<void> {
    const held = this.connections.get(userId);
    if (!held) return;
    for (const id of connectionIds) held.delete(id);
    if (held.size === 0) this.connections.delete(userId);
  }

  async chargeFrame(charge: FrameCharge): Promise<Budget | undefined> {
    const counters = this.countersOf(charge.key, charge.window, charge.expiresAt);
    const messages = counters.messages.get(charge.slice) ?? 0;
    if (charge.messageLimit !== undefined && messages >= charge.messageLimit) return 'messages';
    if (
      charge.deliveryLimit !== undefined &&
      counters.deliveries + charge.reserve > charge.deliveryLimit
    )
      return 'deliveries';
    counters.messages.set(charge.slice, messages + 1);
    counters.deliveries += charge.reserve;
    return undefined;
  }

  async chargeDeliveries(charge: DeliveryCharge): Promise<boolean> {
    const counters = this.countersOf(charge.key, charge.window, charge.expiresAt);
    if (counters.deliveries + charge.recipients > charge.deliveryLimit) return false;
    counters.deliveries += charge.recipients;
    return true;
  }

  async claim(key: string, window: number, expiresAt: number): Promise<boolean> {
    const id = `${key}#${window}`;
    const held = this.claims.get(id);
    if (held !== undefined && held > this.nowSeconds()) return false;
    this.sweepExpired();
    this.claims.set(id, expiresAt);
    return true;
  }

  /** The live counters of `key` in `window`, created empty when absent or expired. */
  private countersOf(key: string, window: number, expiresAt: number): Counters {
    const id = `${key}#${window}`;
    const found = this.counters.get(id);
    if (found && found.expiresAt > this.nowSeconds()) return found;
    this.sweepExpired();
    const created: Counters = { messages: new Map(), deliveries: 0, expiresAt };
    this.counters.set(id, created);
    return created;
  }

  /** Drops the counters and claims whose expiry has passed, at most once a second. */
  private sweepExpired(): void {
    const now = this.nowSeconds();
    if (now <= this.sweptAt) return;
    this.sweptAt = now;
    for (const [id, counters] of this.counters)
      if (counters.expiresAt <= now) this.counters.delete(id);
    for (const [id, until] of this.claims) if (until <= now) this.claims.delete(id);
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
