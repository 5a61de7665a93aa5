import type { WebSocketAdapter, WsMessageHandler } from '@nestjs/common';
import { lastValueFrom, type Observable, toArray } from 'rxjs';
import { ChatError } from '../core/errors';
import type { Ack, DisconnectReason, Namespace } from '../core/namespace';
import type { Server } from '../core/server';
import type { Socket } from '../core/socket';

/** What `@WebSocketGateway({ … })` options this adapter reads. */
export interface GatewayOptions {
  /** Socket.IO's namespace: `'chat'` and `'/chat'` are the same; default `/`. */
  readonly namespace?: string;
}

/** Nest's handler for a new client: `handleConnection`, then the client's message and disconnect bindings. */
type ConnectionHandler = (client: Socket, ...args: unknown[]) => void;

/** What one call of a connection handler bound for a client. */
interface Bindings {
  handlers: readonly WsMessageHandler[];
  transform: (data: unknown) => Observable<unknown>;
  disconnect?: () => void;
}

/** A gateway instance, whose `handleConnection` is held back while a client is only bound. */
type GatewayInstance = Record<string, unknown> & { handleConnection?: unknown };

/**
 * Nest's `WebSocketAdapter` on the core `Server`, for gateways that run on Lambda: every
 * API Gateway event is one invocation, in whichever container, so Nest's per-client model
 * (connect, then bind the client's message handlers and its disconnect) is replayed per
 * event. `$connect` runs `handleConnection`; a message binds the event's socket and runs the
 * handler for its event, Nest's guards, pipes, interceptors and filters included (the
 * handler's return value or `WsResponse` answers, a `WsException` becomes an error ack);
 * `$disconnect` runs `handleDisconnect`. `@WebSocketServer()` is the core `Namespace`
 * (`server.to(room).emit(…)`). Call `bindEvents` once the application is initialized.
 *
 * @example
 * const app = await NestFactory.create(AppModule, new NoHttpAdapter());
 * const adapter = new ApiGatewayWsAdapter(server);
 * app.useWebSocketAdapter(adapter);
 * await app.init();
 * adapter.bindEvents(gatewayInstances(app));
 */
export class ApiGatewayWsAdapter implements WebSocketAdapter<Namespace, Socket, GatewayOptions> {
  private readonly connectionHandlers = new Map<Namespace, ConnectionHandler[]>();
  private readonly bound = new Map<Socket, Bindings>();
  private gateways: readonly GatewayInstance[] = [];

  constructor(private readonly server: Server) {}

  create(_port: number, options: GatewayOptions = {}): Namespace {
    return this.server.of(namespaceName(options.namespace));
  }

  bindClientConnect(nsp: Namespace, handler: ConnectionHandler): void {
    const handlers = this.connectionHandlers.get(nsp);
    if (handlers) {
      handlers.push(handler);
      return;
    }
    this.connectionHandlers.set(nsp, [handler]);
    nsp.on('connection', (socket) => {
      for (const connect of this.connectionHandlers.get(nsp) ?? []) {
        connect(socket);
        this.bound.delete(socket);
      }
    });
    nsp.on('disconnect', (socket, reason: DisconnectReason) => {
      for (const connect of this.connectionHandlers.get(nsp) ?? []) {
        this.bindOnly(connect, socket, reason).disconnect?.();
      }
    });
  }

  bindClientDisconnect(client: Socket, callback: () => void): void {
    const bindings = this.bound.get(client);
    if (bindings) bindings.disconnect = callback;
  }

  bindMessageHandlers(
    client: Socket,
    handlers: WsMessageHandler[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    this.bound.set(client, { handlers, transform });
  }

  close(): void {}

  /** Nest's shutdown: nothing to release, connections live in API Gateway. */
  async dispose(): Promise<void> {}

  /**
   * Registers every gateway event on its namespace, so any invocation can run it. `gateways`
   * are the gateway instances (see `gatewayInstances`): their `handleConnection` is held back
   * while an event only binds its socket. Call it once, after `app.init()`.
   */
  bindEvents(gateways: readonly object[]): void {
    this.gateways = gateways as GatewayInstance[];
    for (const [nsp, connects] of this.connectionHandlers) {
      const messages = new Set<string>();
      for (const connect of connects) {
        for (const { message } of this.bindOnly(connect, PROBE).handlers) messages.add(message);
      }
      for (const message of messages) {
        nsp.on(message, (socket, ...args: unknown[]) => this.dispatch(nsp, message, socket, args));
      }
    }
  }

  /** Runs `message`'s handlers (one per gateway of the namespace that subscribes to it) for `socket`. */
  private async dispatch(
    nsp: Namespace,
    message: string,
    socket: Socket,
    args: unknown[],
  ): Promise<void> {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
    const data = args.length === 1 ? args[0] : args.length === 0 ? undefined : args;
    let failure: unknown;
    const client = clientOf(socket, (payload) => {
      failure ??= payload;
    });
    for (const connect of this.connectionHandlers.get(nsp) ?? []) {
      const { handlers, transform } = this.bindOnly(connect, client);
      for (const handler of handlers.filter((h) => h.message === message)) {
        const responses = await lastValueFrom(
          transform(handler.callback(data, ack)).pipe(toArray()),
        );
        for (const response of responses) {
          if (response === undefined || response === null) continue;
          if (isWsResponse(response)) await socket.emit(response.event, response.data);
          else if (!handler.isAckHandledManually) ack?.(response);
        }
      }
    }
    if (failure !== undefined) throw new ChatError('BAD_REQUEST', messageOf(failure));
  }

  /**
   * Has Nest bind a client (its message handlers, its disconnect) without connecting it: the
   * gateways' `handleConnection` is held back during the call.
   */
  private bindOnly(connect: ConnectionHandler, client: Socket, ...args: unknown[]): Bindings {
    const held = this.gateways.filter((gateway) => typeof gateway.handleConnection === 'function');
    const own = held.map((gateway) => Object.getOwnPropertyDescriptor(gateway, 'handleConnection'));
    for (const gateway of held) {
      Object.defineProperty(gateway, 'handleConnection', {
        value: () => {},
        configurable: true,
        writable: true,
      });
    }
    try {
      connect(client, ...args);
    } finally {
      held.forEach((gateway, index) => {
        const descriptor = own[index];
        if (descriptor) Object.defineProperty(gateway, 'handleConnection', descriptor);
        else delete gateway.handleConnection;
      });
    }
    const bindings = this.bound.get(client);
    this.bound.delete(client);
    if (!bindings) throw new Error('Nest bound no message handlers for the client');
    return bindings;
  }
}

/** The client bound when `bindEvents` lists a namespace's events: never used for anything else. */
const PROBE = Object.freeze({ id: 'probe' }) as unknown as Socket;

/**
 * The socket as a Nest handler sees it: the core socket, but that what Nest's exception
 * filters emit as `exception` is also noted, to answer the client's ack with the error.
 */
function clientOf(socket: Socket, failed: (payload: unknown) => void): Socket {
  const client = Object.create(socket) as Socket;
  client.emit = (event: string, ...args: unknown[]) => {
    if (event === 'exception') failed(args[0]);
    return socket.emit(event, ...args);
  };
  return client;
}

function isWsResponse(value: unknown): value is { event: string; data: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { event?: unknown }).event === 'string' &&
    'data' in value
  );
}

function messageOf(failure: unknown): string {
  if (typeof failure === 'object' && failure !== null && 'message' in failure) {
    const { message } = failure as { message: unknown };
    return typeof message === 'string' ? message : JSON.stringify(message);
  }
  return typeof failure === 'string' ? failure : JSON.stringify(failure);
}

/**
 * Socket.IO's namespace name of a gateway's `namespace` option.
 *
 * @example
 * namespaceName('customSpace'); // '/customSpace'
 */
export function namespaceName(namespace: string | undefined): string {
  if (namespace === undefined || namespace === '') return '/';
  return namespace.startsWith('/') ? namespace : `/${namespace}`;
}
