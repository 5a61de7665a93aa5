import { ackedEmit, callWhenAnswered } from './acked-emit';
import type { Adapter, BroadcastReport } from './adapter';
import type { HistorySettings } from './history-settings';
import { operation } from './invocation';
import { packetOf } from './packet';
import { RemoteSocket } from './remote-socket';
import type { Room, SocketId, SocketUser } from './types';

type Rooms = Room | readonly Room[];

const toList = (rooms: Rooms): readonly Room[] => (typeof rooms === 'string' ? [rooms] : rooms);

/** Most sockets one `fetchSockets`, `socketsJoin`, `socketsLeave` or `disconnectSockets` acts on. */
export const REMOTE_SOCKETS_LIMIT = 1_000;

/** Who an operator reaches and how; every field but `ns` is optional. */
export interface Audience {
  readonly ns: string;
  readonly rooms?: ReadonlySet<Room>;
  readonly except?: ReadonlySet<Room>;
  /** The connection that causes the emit, stamped as `from`. */
  readonly from?: SocketId | undefined;
  /** Its verified user, stamped as `user`. */
  readonly user?: SocketUser | undefined;
  /** The namespace's durable rooms: emits to them are numbered and stored first. */
  readonly history?: HistorySettings | undefined;
  /** Not stored in history, never numbered (presence announcements, typing indicators). */
  readonly volatile?: boolean;
  /** How long acked emits wait for answers; default: as long as the invocation can. */
  readonly timeoutMs?: number | undefined;
}

/**
 * An immutable audience: `to`, `in`, `except` and `volatile` return new operators and leave
 * this one untouched; `emit` ends in exactly one adapter call.
 *
 * @example
 * await nsp.to('lobby').except('muted').emit('chat', 'hello');
 */
export class BroadcastOperator {
  constructor(
    private readonly adapter: Adapter,
    private readonly audience: Audience,
  ) {}

  /** Targets the members of these rooms as well (a connection id targets that connection). */
  to(rooms: Rooms): BroadcastOperator {
    return this.with({ rooms: new Set([...(this.audience.rooms ?? []), ...toList(rooms)]) });
  }

  /** Same as `to`. */
  in(rooms: Rooms): BroadcastOperator {
    return this.to(rooms);
  }

  /** Leaves out the members of these rooms (a connection id leaves out that connection). */
  except(rooms: Rooms): BroadcastOperator {
    return this.with({ except: new Set([...(this.audience.except ?? []), ...toList(rooms)]) });
  }

  /**
   * The same audience, but the emit is not kept in durable rooms' history and carries no
   * `seq`: for what is worth nothing later, such as presence or typing indicators.
   *
   * @example
   * await socket.to('lobby').volatile.emit('typing', { typing: true });
   */
  get volatile(): BroadcastOperator {
    return this.with({ volatile: true });
  }

  /**
   * The same audience (`socket` is not left out), with `socket` stamped as the sender: `from`
   * and `user`, as on the events a client causes. For a server's words about what a client
   * did, e.g. a greeting when it joins.
   *
   * @example
   * await nsp.to('room:dev').from(socket).emit('hello', `${socket.user?.name} has joined.`);
   */
  from(socket: {
    readonly id: SocketId;
    readonly user?: SocketUser | undefined;
  }): BroadcastOperator {
    return this.with({ from: socket.id, user: socket.user });
  }

  /** The ids of the connections this operator would reach. */
  fetchSocketIds(): Promise<SocketId[]> {
    const options = this.options();
    return operation('fetchSocketIds', () => this.adapter.fetchSocketIds(options));
  }

  /**
   * The audience's sockets, as stored: id, rooms, data, handshake, and `emit`, `join`,
   * `leave`, `disconnect`. Refuses an audience of more than 1,000 sockets (one read each).
   *
   * @example
   * const sockets = await nsp.in('lobby').fetchSockets();
   */
  fetchSockets(): Promise<RemoteSocket[]> {
    const options = this.options();
    return operation('fetchSockets', async () =>
      (await this.adapter.fetchSockets(options, REMOTE_SOCKETS_LIMIT)).map(
        (record) => new RemoteSocket(this.adapter, record),
      ),
    );
  }

  /**
   * Makes the audience's sockets join rooms, as Socket.IO's `socketsJoin` (at most 1,000).
   *
   * @example
   * await nsp.in('team:a').socketsJoin('all-hands');
   */
  socketsJoin(rooms: Rooms): Promise<void> {
    const options = this.options();
    return operation('socketsJoin', () =>
      this.adapter.addSockets(options, toList(rooms), REMOTE_SOCKETS_LIMIT),
    );
  }

  /** Makes the audience's sockets leave rooms, as Socket.IO's `socketsLeave` (at most 1,000). */
  socketsLeave(rooms: Rooms): Promise<void> {
    const options = this.options();
    return operation('socketsLeave', () =>
      this.adapter.delSockets(options, toList(rooms), REMOTE_SOCKETS_LIMIT),
    );
  }

  /**
   * Closes the audience's connections (at most 1,000), as Socket.IO's `disconnectSockets`;
   * each then gets its `$disconnect` and hooks. `close` is accepted for Socket.IO's signature.
   *
   * @example
   * await nsp.in('banned').disconnectSockets(true);
   */
  disconnectSockets(_close = false): Promise<void> {
    const options = this.options();
    return operation('disconnectSockets', () =>
      this.adapter.disconnectSockets(options, REMOTE_SOCKETS_LIMIT),
    );
  }

  /**
   * Sends the event, with any number of arguments, to the audience: the whole namespace when
   * no room was chosen. In durable rooms the message is numbered and stored before anyone
   * receives it. A reserved name (`connect`, `disconnect`, …) throws at once.
   */
  emit(event: string, ...args: unknown[]): Promise<BroadcastReport> {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      const packet = packetOf(event, args.slice(0, -1), this.audience);
      return callWhenAnswered(
        ackedEmit(this.adapter, packet, this.options(), this.audience.timeoutMs),
        callback as (...answer: unknown[]) => unknown,
        { broadcast: true, timed: this.audience.timeoutMs !== undefined },
      );
    }
    const packet = packetOf(event, args, this.audience);
    const options = this.options();
    return operation(`emit "${event}"`, () => this.adapter.broadcast(packet, options));
  }

  /**
   * Sends the event and resolves with one response per recipient (each one's first answer
   * value), once all answered; rejects with an `AckTimeoutError` holding the responses that
   * came when some did not answer in time. At most 100 recipients; never kept in history.
   *
   * @example
   * const votes = await nsp.to('jury').timeout(10_000).emitWithAck('vote', question);
   */
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]> {
    const packet = packetOf(event, args, this.audience);
    const { answers } = ackedEmit(this.adapter, packet, this.options(), this.audience.timeoutMs);
    return answers.then((all) => all.map((answer) => answer[0]));
  }

  /**
   * The same audience, waiting at most `ms` for the answers of `emitWithAck` and
   * `emit(…, callback)`. A timeout longer than the invocation has left throws when emitting.
   *
   * @example
   * nsp.timeout(5_000).emit('ping', (err, responses) => log(err, responses));
   */
  timeout(ms: number): BroadcastOperator {
    return this.with({ timeoutMs: ms });
  }

  private with(change: Partial<Audience>): BroadcastOperator {
    return new BroadcastOperator(this.adapter, { ...this.audience, ...change });
  }

  private options() {
    return {
      ns: this.audience.ns,
      rooms: this.audience.rooms ?? new Set<Room>(),
      except: this.audience.except ?? new Set<Room>(),
      ...(this.audience.history && !this.audience.volatile
        ? { history: this.audience.history }
        : {}),
    };
  }
}
