import { randomBytes } from 'node:crypto';
import type { HistorySettings } from './history-settings';
import type { CoreLogger } from './logger';
import {
  type MissedMessage,
  type MissedMessages,
  missedMessages,
  positionsOf,
} from './missed-messages';
import type { ConnectionPoster, MessageLog, RecoverableSocket, RecoveryStore } from './ports';
import { type ParsedOffset, parseRecoveryOffset, recoveryOffset } from './recovery-offset';
import { isSocketId } from './socket-id';
import { encodeSocketIoEvent } from './socketio-protocol';
import type { ConnectionRecord, Room, SocketId } from './types';

/**
 * Socket.IO's connection state recovery (`connectionStateRecovery`), for namespaces that keep
 * history: a Socket.IO client reconnecting within `maxDisconnectionDuration` gets its socket's
 * rooms and data back, and every message of its durable rooms it missed, in order.
 *
 * @example
 * new Server({ ...options, connectionStateRecovery: { maxDisconnectionDuration: 120_000 } });
 */
export interface ConnectionStateRecoveryOptions {
  /** How long after its connection ended a socket can be recovered, in ms. Default 120,000. */
  readonly maxDisconnectionDuration?: number;
  /** Whether a recovered socket skips the namespace's middleware (Socket.IO's default: true). */
  readonly skipMiddlewares?: boolean;
  /** Most missed messages replayed; a client that missed more starts afresh. Default 500. */
  readonly maxMissedMessages?: number;
}

/** A kept socket a CONNECT claims, and the offset its client sent. */
export interface RecoveryClaim {
  readonly kept: RecoverableSocket;
  readonly offset: ParsedOffset;
}

export interface ConnectionStateRecoveryDeps {
  readonly store: RecoveryStore;
  readonly messageLog: MessageLog;
  readonly poster: ConnectionPoster;
  readonly logger: CoreLogger;
}

const PID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Keeps Socket.IO sockets when their connection ends and gives them back to their client's
 * reconnection: the private session id (`pid`) each socket's client holds, the kept socket
 * (rooms, data, user) under it for the window, and the replay of missed messages, each with
 * its offset (see `recoveryOffset`). A socket is recovered once, only by its own user and
 * namespace, and only when every missed message can still be replayed.
 *
 * @example
 * const claim = await recovery.claim(auth, '/chat', 'alice'); // at the reconnection's CONNECT
 * const missed = claim && (await recovery.missed(claim, claim.kept.rooms, history));
 * if (missed) await recovery.replay(connectionId, '/chat', missed.messages);
 */
export class ConnectionStateRecovery {
  readonly maxDisconnectionDurationMs: number;
  readonly skipMiddlewares: boolean;
  private readonly maxMissedMessages: number;

  constructor(
    private readonly deps: ConnectionStateRecoveryDeps,
    options: ConnectionStateRecoveryOptions = {},
  ) {
    this.maxDisconnectionDurationMs = options.maxDisconnectionDuration ?? 120_000;
    this.skipMiddlewares = options.skipMiddlewares ?? true;
    this.maxMissedMessages = options.maxMissedMessages ?? 500;
    if (!(Number.isInteger(this.maxDisconnectionDurationMs) && this.maxDisconnectionDurationMs > 0))
      throw new RangeError('maxDisconnectionDuration must be a positive integer of ms');
    if (!(Number.isInteger(this.maxMissedMessages) && this.maxMissedMessages > 0))
      throw new RangeError('maxMissedMessages must be a positive integer');
  }

  /** A new private session id: 128 random bits. */
  newPid(): string {
    return randomBytes(16).toString('base64url');
  }

  /** Keeps a socket whose connection ended, for its client's reconnection; sockets without a pid are not kept. */
  async keep(record: ConnectionRecord, now = Date.now()): Promise<void> {
    if (record.pid === undefined) return;
    const user = record.data.user as { id?: unknown } | undefined;
    await this.deps.store.keep({
      pid: record.pid,
      ns: record.ns,
      rooms: record.rooms.filter((room) => !isSocketId(room)),
      data: record.data,
      ...(typeof user?.id === 'string' ? { userId: user.id } : {}),
      socketId: record.id,
      disconnectedAt: now,
      expiresAt: Math.ceil((now + this.maxDisconnectionDurationMs) / 1000),
    });
  }

  /**
   * Takes the kept socket a CONNECT's `auth` (`{pid, offset}`, as socket.io-client sends
   * them) names; `undefined` when there is none to recover: no or malformed pid or offset,
   * unknown, expired, or of another namespace or user (then it stays kept for its owner), or
   * its client left the namespace (`forget`).
   */
  async claim(
    auth: Readonly<Record<string, unknown>>,
    ns: string,
    userId: string | undefined,
    now = Date.now(),
  ): Promise<RecoveryClaim | undefined> {
    const { pid } = auth;
    const offset = parseRecoveryOffset(auth.offset);
    if (typeof pid !== 'string' || !PID.test(pid) || offset === undefined) return undefined;
    const kept = await this.deps.store.take(pid, { ns, userId }, now);
    if (!kept || kept.disconnectedAt + this.maxDisconnectionDurationMs < now) return undefined;
    if (kept.socketId !== undefined && (await this.deps.store.hasLeft(kept.socketId, now))) {
      this.deps.logger.info('Connection state not recovered: its client had left the namespace', {
        ns,
      });
      return undefined;
    }
    return { kept, offset };
  }

  /**
   * Records that the client of `socketId` left its namespace (a DISCONNECT), for as long as
   * the socket could be recovered: API Gateway may handle the connection's `$disconnect`, which
   * keeps the socket, before or while it handles the DISCONNECT, and the socket must not be
   * recovered either way.
   */
  async forget(socketId: SocketId, now = Date.now()): Promise<void> {
    await this.deps.store.markLeft(
      socketId,
      Math.ceil((now + this.maxDisconnectionDurationMs) / 1000),
    );
  }

  /**
   * What a claimed socket missed in `rooms` (those of its rooms it may join again) since its
   * client's offset; `undefined`, and logged, when it cannot be replayed (see `missedMessages`).
   */
  async missed(
    claim: RecoveryClaim,
    rooms: readonly Room[],
    history: HistorySettings,
  ): Promise<MissedMessages | undefined> {
    const durable = rooms.filter((room) => history.keeps(room));
    const missed = await missedMessages(this.deps.messageLog, {
      ns: claim.kept.ns,
      rooms: durable,
      ...positionsOf(claim.offset, durable),
      maxLength: history.maxLength,
      maxMessages: this.maxMissedMessages,
    });
    if (!missed) {
      this.deps.logger.info('Connection state not recovered: missed messages cannot be replayed', {
        ns: claim.kept.ns,
        rooms: durable.length,
      });
    }
    return missed;
  }

  /**
   * Posts missed messages to the connection one after the other, in order, each with its
   * offset as the last argument. Resolves `'gone'` as soon as one finds the connection gone.
   */
  async replay(
    connectionId: SocketId,
    ns: string,
    messages: readonly MissedMessage[],
  ): Promise<'delivered' | 'gone'> {
    for (const { room, message } of messages) {
      const frame = encodeSocketIoEvent(ns, message.event, [
        ...(message.args ?? [message.data]),
        recoveryOffset({ room, seq: message.seq, at: message.at }),
      ]);
      if ((await this.deps.poster.post(connectionId, frame)) === 'gone') return 'gone';
    }
    return 'delivered';
  }

  /** The latest seq of each durable room of `rooms`: how far `catchUp` reads after the join. */
  async heads(
    ns: string,
    rooms: readonly Room[],
    history: HistorySettings,
  ): Promise<ReadonlyMap<Room, number>> {
    const durable = rooms.filter((room) => history.keeps(room));
    const heads = await Promise.all(durable.map((room) => this.deps.messageLog.head(ns, room)));
    return new Map(durable.map((room, index) => [room, heads[index] as number]));
  }

  /**
   * After the recovered socket rejoined its rooms, what reached them between the claim's read
   * (`positions`) and the join (`heads`, read just before it): stored before the socket was
   * back, so not delivered to it. Later messages reach it live.
   */
  async catchUp(
    ns: string,
    positions: ReadonlyMap<Room, number>,
    heads: ReadonlyMap<Room, number>,
    history: HistorySettings,
  ): Promise<readonly MissedMessage[]> {
    const missed = await missedMessages(this.deps.messageLog, {
      ns,
      rooms: [...heads.keys()].filter((room) => positions.has(room)),
      afterSeq: positions,
      afterTime: Number.POSITIVE_INFINITY,
      untilSeq: heads,
      maxLength: history.maxLength,
      maxMessages: this.maxMissedMessages,
    });
    return missed?.messages ?? [];
  }
}
