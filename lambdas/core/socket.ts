import { ackedEmit, callWhenAnswered } from './acked-emit';
import type { Adapter, BroadcastReport } from './adapter';
import type { BroadcastOperator } from './broadcast-operator';
import { ChatError } from './errors';
import type { Handshake } from './handshake';
import { operation } from './invocation';
import type { Namespace } from './namespace';
import { packetOf } from './packet';
import { isSocketId } from './socket-id';
import type { ConnectionRecord, Recipient, Room, SocketData, SocketId, SocketUser } from './types';

type Rooms = Room | readonly Room[];

const toList = (rooms: Rooms): readonly Room[] => (typeof rooms === 'string' ? [rooms] : rooms);

/**
 * One client connection, as seen while handling one of its events. Its state lives in the
 * membership store, so a socket is rebuilt for every event, in whichever process runs it.
 *
 * @example
 * chat.on('join', async (socket, data, ack) => { await socket.join(data.room); ack({ rooms: [...socket.rooms] }); });
 */
export class Socket {
  readonly id: SocketId;
  /** Free-form data kept with the connection; changes made in a handler are saved. */
  data: SocketData;
  readonly handshake: Handshake;
  /**
   * The verified user (also `socket.data.user`), from the connection as stored at `$connect`;
   * stamped on every event this socket sends. `undefined` when no authorizer ran.
   */
  readonly user: SocketUser | undefined;
  /**
   * True when this socket is one its Socket.IO client had before a short disconnection, given
   * back by connection state recovery with its rooms, data and missed messages (in the
   * connection hook; false in every other handler and hook).
   */
  readonly recovered: boolean;
  private record: ConnectionRecord;

  constructor(
    readonly nsp: Namespace,
    private readonly adapter: Adapter,
    record: ConnectionRecord,
    handshake: Handshake,
    recovered = false,
  ) {
    this.recovered = recovered;
    this.id = record.id;
    this.record = record;
    this.data = structuredClone(record.data);
    this.handshake = handshake;
    this.user = userOf(record.data);
  }

  /** This socket as an emit's recipient: its id and the protocol its frames are encoded in. */
  get recipient(): Recipient {
    const { protocol, connection } = this.record;
    if (protocol === undefined) return { id: this.id };
    return connection === undefined
      ? { id: this.id, protocol }
      : { id: this.id, protocol, connection };
  }

  /** The rooms the socket is in, its own id included (as in Socket.IO). */
  get rooms(): ReadonlySet<Room> {
    return new Set([this.id, ...this.record.rooms]);
  }

  /**
   * Joins rooms. A name shaped like a connection id is refused (it is that connection's own
   * room), and so is a room a join policy of the namespace refuses; nothing is written then.
   */
  join(rooms: Rooms): Promise<void> {
    return operation('join', () => this.joinNow(toList(rooms)));
  }

  private async joinNow(list: readonly Room[]): Promise<void> {
    for (const room of list) {
      if (isSocketId(room)) throw new ChatError('FORBIDDEN', `Room name ${room} is reserved`);
    }
    const fresh = list.filter((room) => !this.record.rooms.includes(room));
    if (fresh.length === 0) return;
    for (const room of fresh) {
      if (!(await this.nsp.mayJoin(this, room))) {
        throw new ChatError('FORBIDDEN', `Not allowed to join "${room}"`);
      }
    }
    await this.adapter.addAll({ record: this.record, user: this.user }, fresh);
    this.record = { ...this.record, rooms: [...this.record.rooms, ...new Set(fresh)] };
  }

  /** Leaves rooms; rooms the socket is not in are ignored. */
  leave(rooms: Rooms): Promise<void> {
    return operation('leave', () => this.leaveNow(toList(rooms)));
  }

  private async leaveNow(rooms: readonly Room[]): Promise<void> {
    const list = rooms.filter((room) => this.record.rooms.includes(room));
    if (list.length === 0) return;
    await this.adapter.del({ record: this.record, user: this.user }, list);
    this.record = {
      ...this.record,
      rooms: this.record.rooms.filter((room) => !list.includes(room)),
    };
  }

  /**
   * Sends an event with any number of arguments to this socket only. When the last argument
   * is a function, it is called with the client's answer (Socket.IO's ack), within this
   * invocation's time. A reserved name (`connect`, `disconnect`, …) throws at once.
   *
   * @example
   * socket.emit('hello', 'world', (response) => console.log(response)); // 'client!'
   */
  emit(event: string, ...args: unknown[]): Promise<BroadcastReport> {
    return this.emitTimed(event, args, undefined);
  }

  /**
   * Sends an event and resolves with the first value of the client's answer (its callback's
   * first argument). Without `timeout`, waits as long as the invocation can.
   *
   * @example
   * const reply = await socket.timeout(5_000).emitWithAck('hello', 'world'); // 'client!'
   */
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
    return this.askTimed(event, args, undefined);
  }

  /**
   * Bounds the wait for the client's answer of the next `emit(…, callback)` or `emitWithAck`:
   * the callback then gets an `AckTimeoutError` first (`(err, ...answer)`), and `emitWithAck`
   * rejects with it. A timeout longer than the invocation has left throws at once.
   *
   * @example
   * socket.timeout(2_000).emit('hello', 'world', (err, answer) => { if (!err) log(answer); });
   */
  timeout(ms: number): {
    emit(event: string, ...args: unknown[]): Promise<BroadcastReport>;
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  } {
    return {
      emit: (event, ...args) => this.emitTimed(event, args, ms),
      emitWithAck: (event, ...args) => this.askTimed(event, args, ms),
    };
  }

  private askTimed(event: string, args: unknown[], timeoutMs: number | undefined) {
    const packet = packetOf(event, args, { from: this.id, user: this.user });
    this.nsp.runAnyOutgoingListeners(this, event, args);
    const { answers } = ackedEmit(this.adapter, packet, this.ownAudience, timeoutMs);
    return answers.then(([answer]) => answer?.[0]);
  }

  /** `emit`, with an ack callback when the last argument is a function. */
  private emitTimed(
    event: string,
    args: unknown[],
    timeoutMs: number | undefined,
  ): Promise<BroadcastReport> {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      const values = args.slice(0, -1);
      const packet = packetOf(event, values, { from: this.id, user: this.user });
      this.nsp.runAnyOutgoingListeners(this, event, values);
      return callWhenAnswered(
        ackedEmit(this.adapter, packet, this.ownAudience, timeoutMs),
        callback as (...answer: unknown[]) => unknown,
        { broadcast: false, timed: timeoutMs !== undefined },
      );
    }
    const packet = packetOf(event, args, { from: this.id, user: this.user });
    this.nsp.runAnyOutgoingListeners(this, event, args);
    return operation(`emit "${event}"`, () =>
      this.adapter.send(packet, this.nsp.name, [this.recipient]),
    );
  }

  /**
   * Ends this socket. A JSON-protocol connection holds one namespace, so it is closed; API
   * Gateway then sends its `$disconnect`, which runs the `disconnecting` and `disconnect`
   * hooks. A Socket.IO client's socket gets `41/ns,` (its client's `disconnect`, "io server
   * disconnect") and ends at once, hooks included, its connection and other namespaces left
   * open; with `close`, its whole connection is closed, as in Socket.IO.
   *
   * @example
   * nsp.on('logout', (socket) => { socket.disconnect(true); });
   */
  disconnect(close = false): Promise<void> {
    const { protocol, connection } = this.record;
    if (protocol === 'socket.io' && !close)
      return operation('disconnect', () => this.nsp.disconnectSocketIo(this.record));
    return operation('disconnect', () => this.adapter.closeConnections([connection ?? this.id]));
  }

  /** Targets rooms (or a connection id), leaving this socket out. */
  to(rooms: Rooms): BroadcastOperator {
    return this.broadcast.to(rooms);
  }

  /** Same as `to`. */
  in(rooms: Rooms): BroadcastOperator {
    return this.to(rooms);
  }

  /** Everyone else in the namespace but the members of these rooms. */
  except(rooms: Rooms): BroadcastOperator {
    return this.broadcast.except(rooms);
  }

  /** Everyone else in the namespace. */
  get broadcast(): BroadcastOperator {
    return this.nsp.operator({ except: new Set([this.id]), from: this.id, user: this.user });
  }

  private get ownAudience() {
    return { ns: this.nsp.name, ids: [this.id] };
  }

  /** @internal The record as it stands after this socket's joins and leaves. */
  get connectionRecord(): ConnectionRecord {
    return this.record;
  }
}

/**
 * The user kept in a connection's data (`data.user = { id, name }`), if well-formed.
 *
 * @example
 * userOf({ user: { id: 'alice', name: 'Alice' } }); // { id: 'alice', name: 'Alice' }
 */
export function userOf(data: SocketData): SocketUser | undefined {
  const user = data.user as { id?: unknown; name?: unknown } | null | undefined;
  return user && typeof user.id === 'string' && typeof user.name === 'string'
    ? { id: user.id, name: user.name }
    : undefined;
}

/**
 * The user an authorizer context names (`{ userId, name }`, as `lambdas/handlers/authorize.ts`
 * returns it), if any.
 *
 * @example
 * userFromAuthorizer({ userId: 'alice', name: 'Alice', principalId: 'alice' }); // { id: 'alice', name: 'Alice' }
 */
export function userFromAuthorizer(
  authorizer: Readonly<Record<string, unknown>> | undefined,
): SocketUser | undefined {
  const userId = authorizer?.userId;
  if (typeof userId !== 'string' || userId === '') return undefined;
  const name = authorizer?.name;
  return { id: userId, name: typeof name === 'string' && name !== '' ? name : userId };
}
