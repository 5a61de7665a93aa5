import type { HistoryPage, StoredMessage } from '../../client/history';
import type { WebSocketConstructor, WebSocketLike } from '../../client/transport';

type Frame = Record<string, unknown>;
type Reply = { readonly data: unknown } | { readonly error: { code: string; message: string } };

/** A client frame whose reply the test gives by hand (see `MemoryGateway.hold`). */
export interface HeldRequest {
  readonly socket: MemorySocket;
  readonly frame: Frame & { readonly action: string; readonly data?: unknown };
}

/**
 * One durable room: an atomic seq counter and the stored messages. `trim` and `lose` make
 * holes the history cannot fill.
 */
export class MemoryRoom {
  head = 0;
  private messages: StoredMessage[] = [];
  private trimmedUpTo = 0;
  private readonly lost = new Set<number>();

  /** Gives the message the next seq and stores it. */
  store(event: string, data: unknown, from: string): StoredMessage {
    const message: StoredMessage = {
      seq: ++this.head,
      event,
      data,
      from,
      user: { id: from, name: from.toUpperCase() },
      at: 1_700_000_000_000 + this.head,
    };
    this.messages.push(message);
    return message;
  }

  /** Retention: every message up to `seq` is gone. */
  trim(seq: number): void {
    this.trimmedUpTo = Math.max(this.trimmedUpTo, seq);
    this.messages = this.messages.filter((message) => message.seq > seq);
  }

  /** A message whose write failed (or is still in flight): history does not have it. */
  lose(seq: number, options: { readonly reported: boolean } = { reported: true }): void {
    if (options.reported) this.lost.add(seq);
    this.messages = this.messages.filter((message) => message.seq !== seq);
  }

  page(room: string, since: number | undefined, limit: number): HistoryPage {
    const after = since ?? Math.max(0, this.head - limit);
    const newer = this.messages.filter((message) => message.seq > after);
    const messages = newer.slice(0, limit);
    const last = messages.at(-1);
    return {
      room,
      messages,
      head: this.head,
      ...(newer.length > limit && last ? { next: last.seq } : {}),
      trimmed: after < this.trimmedUpTo || [...this.lost].some((seq) => seq > after),
    };
  }
}

/**
 * The client end of an in-memory WebSocket. The gateway drives the other end: `open`, `push`
 * (a server frame, delivered at once) and `drop`.
 */
export class MemorySocket implements WebSocketLike {
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onclose: WebSocketLike['onclose'] = null;
  /** Frames the client sent, parsed, in order. */
  readonly sent: Array<Frame & { readonly action: string; readonly data?: unknown }> = [];
  open = false;
  closed = false;

  constructor(
    readonly url: string,
    readonly id: string,
    private readonly gateway: MemoryGateway,
  ) {}

  send(data: string): void {
    if (!this.open) throw new Error('not open');
    const frame = JSON.parse(data) as HeldRequest['frame'];
    this.sent.push(frame);
    this.gateway.handle(this, frame);
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.open = false;
    this.closed = true;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }

  /** Frames the client sent for `action`. */
  sentFor(action: string): HeldRequest['frame'][] {
    return this.sent.filter((frame) => frame.action === action);
  }

  /** Server side: completes the handshake. */
  accept(): void {
    this.open = true;
    this.onopen?.({});
  }

  /** Server side: sends a frame to the client. */
  push(frame: Frame): void {
    if (this.open) this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** Server side: the connection dies without a close frame. */
  drop(): void {
    if (this.closed) return;
    this.open = false;
    this.closed = true;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

/**
 * An in-memory apigw-chat server for client tests, without sockets or real time: every room is
 * durable unless listed in `volatileRooms`. It answers `whoami`, `join` (head, and history
 * after `since`), `leave`, `chat` (stored, acked with `room` and `seq`) and `history`.
 * Replies go out in a microtask, in order; actions in `held` wait for `release`.
 *
 * @example
 * const gateway = new MemoryGateway();
 * const socket = connect('ws://memory/local', { WebSocket: gateway.WebSocket, timers: clock });
 * await settle();
 * gateway.deliver(gateway.last, gateway.publish('lobby', 'hi'));
 */
export class MemoryGateway {
  readonly sockets: MemorySocket[] = [];
  readonly rooms = new Map<string, MemoryRoom>();
  readonly volatileRooms = new Set<string>();
  /** Actions whose requests wait in `requests` until `release`. */
  readonly held = new Set<string>();
  readonly requests: HeldRequest[] = [];
  /** Error codes to answer the next requests of an action with, in order. */
  readonly failures = new Map<string, string[]>();
  pageSize = 50;
  readonly WebSocket: WebSocketConstructor;

  constructor() {
    const gateway = this;
    this.WebSocket = class extends MemorySocket {
      constructor(url: string) {
        super(url, `conn-${gateway.sockets.length + 1}`, gateway);
        gateway.sockets.push(this);
        queueMicrotask(() => this.accept());
      }
    };
  }

  /** The latest connection. */
  get last(): MemorySocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no connection yet');
    return socket;
  }

  room(name: string): MemoryRoom {
    const existing = this.rooms.get(name);
    if (existing) return existing;
    const room = new MemoryRoom();
    this.rooms.set(name, room);
    return room;
  }

  /** Stores a `chat` message another client sent to `room` and returns its live frame. */
  publish(room: string, data: unknown, from = 'conn-other'): Frame {
    return liveFrame(room, this.room(room).store('chat', data, from));
  }

  /** Pushes frames to a connection, in the order given. */
  deliver(socket: MemorySocket, ...frames: Frame[]): void {
    for (const frame of frames) socket.push(frame);
  }

  /** Answers a held request: with `reply`, or as the gateway would have. */
  release(request: HeldRequest, reply?: Reply): void {
    this.requests.splice(this.requests.indexOf(request), 1);
    this.reply(request.socket, request.frame, reply ?? this.answer(request.socket, request.frame));
  }

  /** The held requests of `action`. */
  waiting(action: string): HeldRequest[] {
    return this.requests.filter((request) => request.frame.action === action);
  }

  handle(socket: MemorySocket, frame: HeldRequest['frame']): void {
    if (frame.action === 'ping') return;
    if (this.held.has(frame.action)) {
      this.requests.push({ socket, frame });
      return;
    }
    const code = this.failures.get(frame.action)?.shift();
    const reply = code ? { error: { code, message: `Failed with ${code}` } } : undefined;
    this.reply(socket, frame, reply ?? this.answer(socket, frame));
  }

  private reply(socket: MemorySocket, frame: HeldRequest['frame'], reply: Reply): void {
    if (typeof frame.ack !== 'number') return;
    const ack = frame.ack;
    queueMicrotask(() => socket.push({ ack, ...reply }));
  }

  private answer(socket: MemorySocket, frame: HeldRequest['frame']): Reply {
    const data = (frame.data ?? {}) as { room?: string; since?: number; limit?: number };
    const name = data.room ?? '';
    const durable = !this.volatileRooms.has(name);
    switch (frame.action) {
      case 'whoami':
        return { data: { id: socket.id, ns: '/' } };
      case 'join': {
        if (!durable) return { data: { room: name, members: 1 } };
        const room = this.room(name);
        if (data.since === undefined) return { data: { room: name, members: 1, seq: room.head } };
        const { messages, next, trimmed } = room.page(name, data.since, this.pageSize);
        const history = { messages, trimmed, ...(next === undefined ? {} : { next }) };
        return { data: { room: name, members: 1, seq: room.head, history } };
      }
      case 'leave':
        return { data: { room: name } };
      case 'chat': {
        if (!durable) return { data: { recipients: 1 } };
        const message = this.room(name).store(
          'chat',
          (data as { message?: unknown }).message,
          socket.id,
        );
        return { data: { recipients: 1, room: name, seq: message.seq } };
      }
      case 'history':
        return { data: this.room(name).page(name, data.since, data.limit ?? this.pageSize) };
      default:
        return { error: { code: 'UNKNOWN_EVENT', message: `No handler for "${frame.action}"` } };
    }
  }
}

/** The frame the server posts to room members for a stored message. */
export function liveFrame(room: string, message: StoredMessage): Frame {
  return {
    event: message.event,
    data: message.data,
    ns: '/',
    room,
    seq: message.seq,
    from: message.from,
    user: message.user,
  };
}

/** Lets every pending microtask run (replies, ack continuations): no time passes. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
