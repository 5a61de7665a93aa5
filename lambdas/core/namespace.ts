import type { Adapter, BroadcastReport } from './adapter';
import { BroadcastOperator } from './broadcast-operator';
import type { Socket } from './socket';
import type { Room } from './types';

type Rooms = Room | readonly Room[];

/** Replies to the client's ack id; later calls are ignored. A no-op when the client asked for no ack. */
export type Ack = (data?: unknown) => void;

/** Handles one client event. Throw a `ChatError` to answer with a protocol error code. */
export type EventHandler = (socket: Socket, data: unknown, ack: Ack) => unknown;

/** Runs at `$connect` before the socket exists for others; throw `ConnectionRefusedError` to refuse it. */
export type Middleware = (socket: Socket) => unknown;

export type ConnectionListener = (socket: Socket) => unknown;

/** Decides whether a socket may join a room; every policy of the namespace must agree. */
export type JoinPolicy = (socket: Socket, room: Room) => boolean | Promise<boolean>;

/** Why a socket went away: API Gateway's close code and reason. */
export interface DisconnectReason {
  readonly statusCode: number | undefined;
  readonly reason: string;
}

export type DisconnectListener = (socket: Socket, reason: DisconnectReason) => unknown;

/** Event names that are lifecycle hooks and never client events. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'connect',
  'connection',
  'disconnect',
  'disconnecting',
  'error',
]);

/**
 * A namespace: its middleware, lifecycle hooks, event handlers and audience helpers.
 *
 * @example
 * const chat = server.of('/chat');
 * chat.on('connection', (socket) => socket.join('lobby'));
 * chat.on('say', async (socket, data, ack) => ack(await socket.to('lobby').emit('said', data)));
 */
export class Namespace {
  private readonly middlewares: Middleware[] = [];
  private readonly connectionListeners: ConnectionListener[] = [];
  private readonly disconnectListeners: DisconnectListener[] = [];
  private readonly handlers = new Map<string, EventHandler>();
  private readonly joinPolicies: JoinPolicy[] = [];

  constructor(
    readonly name: string,
    private readonly adapter: Adapter,
  ) {}

  /** Adds a middleware, run in order at `$connect`. */
  use(middleware: Middleware): this {
    this.middlewares.push(middleware);
    return this;
  }

  /**
   * Adds a join policy: `socket.join` refuses, with `FORBIDDEN` and before any write, a room
   * that a policy answers false for. Applies to every join, the connection hook's included.
   *
   * @example
   * nsp.authorizeJoin((socket, room) => !room.startsWith('staff:') || socket.user?.id === 'alice');
   */
  authorizeJoin(policy: JoinPolicy): this {
    this.joinPolicies.push(policy);
    return this;
  }

  /** Registers a lifecycle hook (`connection`, `disconnect`) or the handler of a client event. */
  on(event: 'connection', listener: ConnectionListener): this;
  on(event: 'disconnect', listener: DisconnectListener): this;
  on(event: string, handler: EventHandler): this;
  on(event: string, listener: ConnectionListener | DisconnectListener | EventHandler): this {
    if (event === 'connection') this.connectionListeners.push(listener as ConnectionListener);
    else if (event === 'disconnect') this.disconnectListeners.push(listener as DisconnectListener);
    else if (RESERVED_EVENTS.has(event)) throw new Error(`"${event}" is a reserved event name`);
    else this.handlers.set(event, listener as EventHandler);
    return this;
  }

  /** Targets the members of rooms (or a connection id). */
  to(rooms: Rooms): BroadcastOperator {
    return new BroadcastOperator(this.adapter, this.name).to(rooms);
  }

  /** Same as `to`. */
  in(rooms: Rooms): BroadcastOperator {
    return this.to(rooms);
  }

  /** Every connection of the namespace but the members of rooms. */
  except(rooms: Rooms): BroadcastOperator {
    return new BroadcastOperator(this.adapter, this.name).except(rooms);
  }

  /** Sends an event to every connection of the namespace. */
  emit(event: string, data?: unknown): Promise<BroadcastReport> {
    return new BroadcastOperator(this.adapter, this.name).emit(event, data);
  }

  /** @internal */
  async runMiddlewares(socket: Socket): Promise<void> {
    for (const middleware of this.middlewares) await middleware(socket);
  }

  /** @internal */
  async runConnectionListeners(socket: Socket): Promise<void> {
    for (const listener of this.connectionListeners) await listener(socket);
  }

  /** @internal */
  async runDisconnectListeners(socket: Socket, reason: DisconnectReason): Promise<void> {
    for (const listener of this.disconnectListeners) await listener(socket, reason);
  }

  /** @internal */
  async mayJoin(socket: Socket, room: Room): Promise<boolean> {
    for (const policy of this.joinPolicies) if (!(await policy(socket, room))) return false;
    return true;
  }

  /** @internal */
  handlerFor(event: string): EventHandler | undefined {
    return RESERVED_EVENTS.has(event) ? undefined : this.handlers.get(event);
  }
}
