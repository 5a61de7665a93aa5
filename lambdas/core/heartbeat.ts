import { errorFields } from './error-fields';
import { type HeartbeatSettings, heartbeatSlot } from './heartbeat-settings';
import type { CoreLogger } from './logger';
import { mapWithConcurrency } from './map-with-concurrency';
import type { ChatMetrics, ConnectionPoster, SessionStore, SlotMember } from './ports';
import { PING_FRAME } from './socketio-protocol';
import type { SocketId } from './types';

/** A 410 for a connection younger than this may mean `$connect` has not returned yet. */
const YOUNG_MS = 30_000;

/** What one tick did. */
export interface HeartbeatReport {
  readonly slot: number;
  readonly pinged: number;
  readonly gone: number;
  readonly failed: number;
}

export interface HeartbeatOptions {
  readonly sessions: SessionStore;
  readonly poster: ConnectionPoster;
  readonly settings: HeartbeatSettings;
  /** Posts in flight at once. */
  readonly concurrency: number;
  /** Removes connections found gone: their sessions and their namespaces' sockets. */
  readonly removeGone: (connectionIds: readonly SocketId[]) => Promise<void>;
  readonly logger: CoreLogger;
  readonly metrics: ChatMetrics;
}

/**
 * The scheduled side of the Socket.IO heartbeat: each tick reads the one slot due (a Query
 * per page, no Scan) and posts the Engine.IO ping `2` to its connections with bounded
 * concurrency. The client's pong `3` costs a `$default` invocation and no read. A connection
 * found gone is removed (session and sockets), unless it is too young to tell.
 *
 * @example
 * const report = await heartbeat.tick(Date.parse(event.time));
 */
export class Heartbeat {
  constructor(private readonly options: HeartbeatOptions) {}

  /** Pings the slot due at `at` (epoch ms: the schedule's time, not the invocation's). */
  async tick(at: number): Promise<HeartbeatReport> {
    const slot = heartbeatSlot(at, this.options.settings);
    let pinged = 0;
    let failed = 0;
    const gone: SocketId[] = [];
    for await (const page of this.options.sessions.slotMembers(slot)) {
      const result = await this.ping(page, at);
      pinged += result.pinged;
      failed += result.failed;
      gone.push(...result.gone);
    }
    if (gone.length > 0) await this.options.removeGone(gone);
    if (pinged > 0) this.options.metrics.count('Pings', pinged);
    const report = { slot, pinged, gone: gone.length, failed };
    this.options.logger.info('Heartbeat', report);
    return report;
  }

  private async ping(
    members: readonly SlotMember[],
    at: number,
  ): Promise<{ pinged: number; failed: number; gone: SocketId[] }> {
    const { poster, concurrency, logger } = this.options;
    const results = await mapWithConcurrency(members, concurrency, (member) =>
      poster.post(member.id, PING_FRAME),
    );
    let pinged = 0;
    let failed = 0;
    const gone: SocketId[] = [];
    results.forEach((result, index) => {
      const member = members[index] as SlotMember;
      if (result.status === 'rejected') {
        failed += 1;
        logger.warn('Ping failed', { connectionId: member.id, ...errorFields(result.reason) });
      } else if (result.value === 'delivered') pinged += 1;
      else if (at - member.connectedAt >= YOUNG_MS) gone.push(member.id);
    });
    return { pinged, failed, gone };
  }
}
