import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** One frame a connection sent, or a reply the gateway sent, in arrival order. */
export interface TimelineEntry {
  readonly connection: string;
  readonly direction: 'in' | 'out';
  readonly frame: Record<string, unknown>;
}

type Reply = { readonly data: unknown } | { readonly error: { code: string; message: string } };

/** Answers one action: a reply, or undefined for none. */
export type ActionHandler = (data: unknown, connection: string) => Reply | undefined;

/**
 * A protocol v1 server on 127.0.0.1 for client tests: answers `whoami`, `join`, `leave`,
 * `echo` (ack with the data), `fail` (ack error with `data.code`), never answers `silent`,
 * answers `ping` with a pong, and can refuse handshakes or drop every connection abruptly.
 */
export class FakeGateway {
  readonly timeline: TimelineEntry[] = [];
  /** Handshakes seen, refused ones included. */
  handshakes = 0;
  /** Status to refuse the next handshakes with (undefined accepts them). */
  refuseWith: number | undefined;
  answerPings = true;
  /** Delay before replying to an action, in ms. */
  readonly replyDelays = new Map<string, number>();
  readonly handlers = new Map<string, ActionHandler>();
  readonly rooms = new Map<string, Set<string>>();
  readonly queries: URLSearchParams[] = [];
  /** The subprotocols each handshake offered, in order. */
  readonly protocols: string[][] = [];
  private readonly sockets = new Map<string, WebSocket>();
  private readonly pendingReplies = new Set<NodeJS.Timeout>();
  private nextId = 1;

  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (socket, request) => {
      const id = `conn-${this.nextId++}`;
      this.sockets.set(id, socket);
      this.rooms.set(id, new Set());
      this.queries.push(new URL(request.url ?? '/', 'ws://x').searchParams);
      this.protocols.push(
        (request.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((protocol) => protocol.trim())
          .filter(Boolean),
      );
      socket.on('message', (raw) => this.handleFrame(id, socket, String(raw)));
      socket.on('close', () => this.sockets.delete(id));
    });
  }

  static async start(): Promise<FakeGateway> {
    let gateway: FakeGateway | undefined;
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, callback) => {
        if (!gateway) return callback(false, 500);
        gateway.handshakes++;
        if (gateway.refuseWith === undefined) callback(true);
        else callback(false, gateway.refuseWith, 'Refused');
      },
    });
    gateway = new FakeGateway(server);
    await new Promise<void>((resolve) => server.once('listening', resolve));
    return gateway;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/local`;
  }

  /** Ids of the open connections. */
  get connectionIds(): string[] {
    return [...this.sockets.keys()];
  }

  /** Frames a connection sent, in order. */
  framesFrom(connection: string): Record<string, unknown>[] {
    return this.timeline
      .filter((entry) => entry.connection === connection && entry.direction === 'in')
      .map((entry) => entry.frame);
  }

  /** Sends a raw frame to a connection. */
  push(connection: string, frame: Record<string, unknown>): void {
    this.send(connection, frame);
  }

  /** Drops every connection without a close frame (the client sees 1006). */
  dropAll(): void {
    for (const socket of this.sockets.values()) socket.terminate();
  }

  /** Closes every connection cleanly with `code`. */
  closeAll(code: number, reason = ''): void {
    for (const socket of this.sockets.values()) socket.close(code, reason);
  }

  async stop(): Promise<void> {
    for (const timer of this.pendingReplies) clearTimeout(timer);
    for (const socket of this.sockets.values()) socket.terminate();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private handleFrame(connection: string, socket: WebSocket, raw: string): void {
    const frame = JSON.parse(raw) as { action: string; data?: unknown; ack?: number };
    this.timeline.push({ connection, direction: 'in', frame });
    if (frame.action === 'ping') {
      if (this.answerPings) this.send(connection, { event: 'pong' });
      return;
    }
    const reply = this.answer(frame.action, frame.data, connection);
    if (frame.ack === undefined || reply === undefined) return;
    const ackFrame = { ack: frame.ack, ...reply };
    const delay = this.replyDelays.get(frame.action) ?? 0;
    if (delay === 0) {
      this.send(connection, ackFrame);
      return;
    }
    const timer = setTimeout(() => {
      this.pendingReplies.delete(timer);
      if (socket.readyState === socket.OPEN) this.send(connection, ackFrame);
    }, delay);
    this.pendingReplies.add(timer);
  }

  private answer(action: string, data: unknown, connection: string): Reply | undefined {
    const custom = this.handlers.get(action);
    if (custom) return custom(data, connection);
    const rooms = this.rooms.get(connection) ?? new Set<string>();
    const room = (data as { room?: string } | undefined)?.room ?? '';
    switch (action) {
      case 'whoami':
        return { data: { id: connection, ns: '/' } };
      case 'join':
        rooms.add(room);
        return { data: { room, members: 1 } };
      case 'leave':
        rooms.delete(room);
        return { data: { room } };
      case 'echo':
        return { data };
      case 'fail': {
        const code = (data as { code: string }).code;
        return { error: { code, message: `Failed with ${code}` } };
      }
      case 'silent':
        return undefined;
      default:
        return { error: { code: 'UNKNOWN_EVENT', message: `No handler for "${action}"` } };
    }
  }

  private send(connection: string, frame: Record<string, unknown>): void {
    this.timeline.push({ connection, direction: 'out', frame });
    this.sockets.get(connection)?.send(JSON.stringify(frame));
  }
}

/** Resolves with the arguments of the next `event` of `socket`. */
export function next<T extends unknown[] = unknown[]>(
  socket: { once(event: never, handler: never): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => {
    (socket.once as (e: string, h: (...args: unknown[]) => void) => unknown).call(
      socket,
      event,
      (...args: unknown[]) => resolve(args as T),
    );
  });
}

/** Waits until `predicate` holds, polling every 5 ms, or fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
