import type { ConnectionRecord } from './types';

/**
 * What the client sent when it connected. API Gateway shows headers and the query string
 * only on `$connect`; the server stores a bounded copy with the connection (`StoredHandshake`),
 * so every later handler sees it too, secrets left out.
 *
 * @example
 * nsp.use((socket) => { if (socket.handshake.query.room === 'staff') throw new ConnectionRefusedError(403, 'Staff only'); });
 */
export interface Handshake {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** What a Socket.IO client sent as `auth` in its CONNECT packet; `{}` over wire protocol v1. */
  readonly auth: Readonly<Record<string, unknown>>;
  /** The client's IP address, as API Gateway saw it. */
  readonly address: string;
  readonly userAgent: string | undefined;
  /** Epoch milliseconds of the connection. */
  readonly time: number;
  /** The Lambda authorizer's context; only during `$connect` (its verdict is `socket.user`). */
  readonly authorizer: Readonly<Record<string, unknown>> | undefined;
}

/** The part of a handshake kept with the connection, for the handlers of its later events. */
export type StoredHandshake = Omit<Handshake, 'authorizer'>;

/** Largest stored handshake, in bytes of JSON; past it, headers are dropped first, then the query. */
export const MAX_STORED_HANDSHAKE_BYTES = 4_096;

/** Headers and query parameters that carry credentials: never stored. */
const SECRET_HEADERS = new Set([
  'authorization',
  'cookie',
  'sec-websocket-protocol',
  'sec-websocket-key',
]);
const SECRET_QUERY = new Set(['token', 'access_token']);

const without = (
  values: Readonly<Record<string, string>>,
  secrets: ReadonlySet<string>,
): Record<string, string> =>
  Object.fromEntries(Object.entries(values).filter(([key]) => !secrets.has(key.toLowerCase())));

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * The handshake as stored with the connection: credentials removed (`Authorization`,
 * `Cookie`, `Sec-WebSocket-Protocol`, `Sec-WebSocket-Key`, `?token=`), and at most
 * `MAX_STORED_HANDSHAKE_BYTES`: headers are dropped first, then the query, then `auth`.
 *
 * @example
 * storedHandshake(socket.handshake).headers.cookie; // undefined
 */
export function storedHandshake(handshake: Handshake): StoredHandshake {
  let stored: StoredHandshake = {
    headers: without(handshake.headers, SECRET_HEADERS),
    query: without(handshake.query, SECRET_QUERY),
    auth: handshake.auth,
    address: handshake.address,
    userAgent: handshake.userAgent?.slice(0, 512),
    time: handshake.time,
  };
  for (const field of ['headers', 'query', 'auth'] as const) {
    if (bytes(stored) <= MAX_STORED_HANDSHAKE_BYTES) break;
    stored = { ...stored, [field]: {} };
  }
  return stored;
}

/**
 * The handshake of a socket rebuilt from its stored connection, for events after `$connect`.
 *
 * @example
 * const socket = new Socket(nsp, adapter, record, handshakeOf(record));
 */
export function handshakeOf(record: ConnectionRecord): Handshake {
  const stored = record.handshake;
  return {
    headers: stored?.headers ?? {},
    query: stored?.query ?? {},
    auth: stored?.auth ?? {},
    address: stored?.address ?? '',
    userAgent: stored?.userAgent,
    time: stored?.time ?? record.connectedAt,
    authorizer: undefined,
  };
}
