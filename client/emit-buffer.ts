import type { PendingAck } from './ack-registry';

/** An emit made while disconnected, sent after the next (re)connection. */
export interface BufferedEmit {
  readonly action: string;
  readonly data: unknown;
  /** Set for `emitWithAck`: the ack id is assigned when the frame is actually sent. */
  readonly ack?: PendingAck | undefined;
}

/**
 * A bounded FIFO of emits made while disconnected. When full, the oldest entry is dropped
 * (after discarding entries whose ack already timed out) and returned to the caller, who
 * rejects its ack: the newest emits are the ones worth sending after a long outage.
 *
 * @example
 * const buffer = new EmitBuffer(100);
 * const dropped = buffer.push({ action: 'chat', data: { room: 'lobby', message: 'hi' } });
 */
export class EmitBuffer {
  private entries: BufferedEmit[] = [];

  constructor(readonly capacity: number) {}

  /** Appends `entry`; returns the entry dropped to make room, if any. */
  push(entry: BufferedEmit): BufferedEmit | undefined {
    if (this.capacity <= 0) return entry;
    if (this.entries.length >= this.capacity) {
      this.entries = this.entries.filter((buffered) => !buffered.ack?.settled);
    }
    const dropped = this.entries.length >= this.capacity ? this.entries.shift() : undefined;
    this.entries.push(entry);
    return dropped;
  }

  /** Removes and returns every entry, oldest first, leaving out those whose ack already settled. */
  drain(): BufferedEmit[] {
    const entries = this.entries.filter((entry) => !entry.ack?.settled);
    this.entries = [];
    return entries;
  }

  get size(): number {
    return this.entries.length;
  }
}
