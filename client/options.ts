import type { BackoffOptions } from './backoff';
import { type NetworkEvents, platformNetworkEvents } from './network-status';
import { isCursorSeq } from './seq';
import { defaultTimers, type Timers } from './timers';
import type { WebSocketConstructor } from './transport';

/** Reconnection settings (every field optional in `ConnectOptions`). */
export interface ReconnectionOptions extends BackoffOptions {
  /** Reconnect after a drop or a failed attempt. Default true. */
  readonly enabled: boolean;
  /** Attempts in a row before giving up with `reconnect_failed`. Default Infinity. */
  readonly maxAttempts: number;
}

/** Ordered delivery and recovery of durable rooms (every field optional in `ConnectOptions`). */
export interface RecoveryOptions {
  /**
   * Deliver durable room events in seq order without duplicates, and fetch what was missed
   * (after a gap or a reconnection) from the room's history. Default true; false delivers
   * events as they arrive and sends no `since`.
   */
  readonly enabled: boolean;
  /** How long a gap may stay open before its seqs are fetched with `history`. Default 1000 ms. */
  readonly gapWaitMs: number;
}

/** Options of `connect(url, options)`. */
export interface ConnectOptions {
  /** Namespace, sent as the `ns` query parameter (left out for `/`). Default `/`. */
  readonly namespace?: string;
  /**
   * What the handshake carries, e.g. `{ token }`: `token` travels as the subprotocol
   * `token.<jwt>` (browsers cannot set headers on a WebSocket, and a URL would put it in
   * access logs and history), any other entry as a query parameter. A function is called
   * before every attempt, so a refreshed token is used.
   */
  readonly auth?: Record<string, string> | (() => Record<string, string>);
  readonly reconnection?: Partial<ReconnectionOptions>;
  readonly recovery?: Partial<RecoveryOptions>;
  /**
   * Cursors to resume from, room → last seq seen (e.g. saved from `socket.lastSeq(room)`
   * before a page reload): `join(room)` then asks for the messages after it. Ignored when
   * recovery is disabled; entries that are not integers ≥ 0 are ignored.
   */
  readonly initialSeqs?: Readonly<Record<string, number>>;
  /** Default timeout of `emitWithAck`, in ms; 0 waits forever. Default 10 s. */
  readonly ackTimeout?: number;
  /** Emits kept while disconnected; the oldest is dropped when full; 0 disables buffering. Default 100. */
  readonly bufferSize?: number;
  /**
   * Number every event frame (`n`) so the server handles them in the order they were sent:
   * a burst to a durable room is then numbered, and seen by all, in send order. Costs one
   * write per frame, and frames of this socket wait for one another. Default false.
   */
  readonly ordered?: boolean;
  /** A `ping` is sent after this long without sending anything; 0 disables. Default 5 min (API Gateway closes idle sockets after 10). */
  readonly keepAliveMs?: number;
  /** Without any frame this long after a ping, the socket is taken as dead and replaced; 0 disables. Default 10 s. */
  readonly pongTimeoutMs?: number;
  /** A handshake still pending after this long is abandoned; 0 disables. Default 30 s (API Gateway's `$connect` may take 29). */
  readonly connectTimeoutMs?: number;
  /** The WebSocket class. Default `globalThis.WebSocket`; `client/node.ts` passes `ws`. */
  readonly WebSocket?: WebSocketConstructor;
  /** Random source of the backoff jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Timer functions for reconnection, acks and keep-alive. Default the platform's. */
  readonly timers?: Timers;
  /**
   * Where the client hears the device go `offline` (the socket is given up at once) and
   * `online` (a reconnection is tried at once). Default the browser's `window`; none in Node;
   * `false` ignores the network's events.
   */
  readonly network?: NetworkEvents | false;
}

export interface ResolvedOptions {
  readonly namespace: string;
  readonly auth: () => Record<string, string>;
  readonly reconnection: ReconnectionOptions;
  readonly recovery: RecoveryOptions;
  readonly initialSeqs: ReadonlyMap<string, number>;
  readonly ackTimeout: number;
  readonly bufferSize: number;
  readonly ordered: boolean;
  readonly keepAliveMs: number;
  readonly pongTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly WebSocket: WebSocketConstructor;
  readonly random: () => number;
  readonly timers: Timers;
  readonly network: NetworkEvents | undefined;
}

export const DEFAULT_RECONNECTION: ReconnectionOptions = {
  enabled: true,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
};

export const DEFAULT_RECOVERY: RecoveryOptions = { enabled: true, gapWaitMs: 1_000 };

/**
 * Fills in the defaults; throws when there is no WebSocket class (Node 20 has no global one:
 * use the Node entry point).
 *
 * @example
 * resolveOptions({ namespace: '/chat' }).keepAliveMs; // 300000
 */
export function resolveOptions(options: ConnectOptions): ResolvedOptions {
  const WebSocketClass =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor | undefined }).WebSocket;
  if (!WebSocketClass) {
    throw new TypeError(
      'No WebSocket class: pass options.WebSocket, or import the Node entry point (client/node)',
    );
  }
  const auth = options.auth;
  return {
    namespace: options.namespace ?? '/',
    auth: typeof auth === 'function' ? auth : () => auth ?? {},
    reconnection: { ...DEFAULT_RECONNECTION, ...definedOnly(options.reconnection ?? {}) },
    recovery: { ...DEFAULT_RECOVERY, ...definedOnly(options.recovery ?? {}) },
    initialSeqs: new Map(
      Object.entries(options.initialSeqs ?? {}).filter(([, seq]) => isCursorSeq(seq)),
    ),
    ackTimeout: options.ackTimeout ?? 10_000,
    bufferSize: options.bufferSize ?? 100,
    ordered: options.ordered ?? false,
    keepAliveMs: options.keepAliveMs ?? 5 * 60_000,
    pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
    WebSocket: WebSocketClass,
    random: options.random ?? Math.random,
    timers: options.timers ?? defaultTimers,
    network: options.network === false ? undefined : (options.network ?? platformNetworkEvents()),
  };
}

/** Drops keys set to undefined, so `{ maxAttempts: undefined }` keeps the default. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
