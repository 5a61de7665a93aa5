import type { ChatClientError, ServerError } from './errors';

/** A verified identity, as the server stamps it on events (`{"id","name"}`). */
export interface UserInfo {
  readonly id: string;
  readonly name: string;
}

/** Where a server event came from: its namespace, and the room and sender when present. */
export interface EventMeta {
  readonly ns: string;
  /** Present when the event was sent to a room. */
  readonly room?: string;
  /** The event's place in a durable room (increasing per room); absent for other events. */
  readonly seq?: number;
  /**
   * The message's id, when one emit was stored in several durable rooms (the same in each):
   * the socket delivers such a message once, whichever of its rooms it comes through.
   */
  readonly id?: string;
  /** The connection id of the client whose event caused it, set by the server. */
  readonly from?: string;
  /** The sender's verified identity, present with `from`. */
  readonly user?: UserInfo;
  /** True for an event missed while away and delivered from the room's history. */
  readonly recovered?: boolean;
  /** When the server stored a recovered event (epoch ms): the time it was sent. */
  readonly at?: number;
}

/** Seqs `from`..`to` (inclusive) of durable room `room` that could not be recovered. */
export interface RoomGap {
  readonly room: string;
  readonly from: number;
  readonly to: number;
}

/** Why a connected socket went away: the WebSocket close code and reason text. */
export interface DisconnectReason {
  readonly code: number;
  readonly reason: string;
}

/** Events the client itself emits; server events with these names are ignored, except `error`. */
export interface LifecycleEvents {
  /** Connected and ready: `id` learned, rooms re-joined, buffered emits sent. */
  connect: () => void;
  /** A connected socket closed; `close()` reports `{ code: 1000, reason: 'client close' }`. */
  disconnect: (reason: DisconnectReason) => void;
  /** An attempt failed before `connect`; `error.status` is the handshake's HTTP status when known. */
  connect_error: (error: ChatClientError) => void;
  /** Reconnection attempt `attempt` (1-based) starts. */
  reconnect_attempt: (attempt: number) => void;
  /** Connected again after `attempts` attempts (emitted right after `connect`). */
  reconnect: (attempts: number) => void;
  /** `reconnection.maxAttempts` attempts failed; the client stops until `connect()`. */
  reconnect_failed: (attempts: number) => void;
  /** A remembered room could not be re-joined; it is forgotten unless the failure was transient. */
  rejoin_error: (room: string, error: ChatClientError) => void;
  /** The server's `error` event (a failed frame without ack id), or API Gateway's own error frame (`GATEWAY`). */
  error: (error: ServerError, meta: EventMeta) => void;
  /** The reply to a keep-alive ping. */
  pong: () => void;
  /** Messages of a durable room are gone for good (trimmed by the server, or lost); delivery went on after them. */
  gap: (gap: RoomGap) => void;
}

export type LifecycleEvent = keyof LifecycleEvents;

export const LIFECYCLE_EVENTS: ReadonlySet<string> = new Set<LifecycleEvent>([
  'connect',
  'disconnect',
  'connect_error',
  'reconnect_attempt',
  'reconnect',
  'reconnect_failed',
  'rejoin_error',
  'error',
  'pong',
  'gap',
]);

/** Server → client events: event name → `data` type. */
export type ServerEventsMap = object;

/** One client → server event: the type of its `data` and of its ack reply. */
export interface EmitSpec {
  readonly data?: unknown;
  readonly ack?: unknown;
}

/** Client → server events: action name → `{ data, ack }`. */
export type ClientEventsMap<C> = { [K in keyof C]: EmitSpec };

/** The loose maps used when the app gives none. */
export type AnyServerEvents = Record<string, unknown>;
export type AnyClientEvents = Record<string, { data: unknown; ack: unknown }>;

/** The `data` of a client event. */
export type DataOf<T> = T extends { data: infer D } ? D : unknown;

/** The ack reply of a client event. */
export type AckOf<T> = T extends { ack: infer A } ? A : unknown;

/**
 * Answers an event the server sent with an ack id (`socket.emit('hello', 'world', cb)` or
 * `emitWithAck` on the server): its values reach the server's callback. Only the first call counts.
 */
export type AnswerCallback = (...values: unknown[]) => void;

/**
 * The handler of a server event: its data, then its metadata. When the server asked for an
 * answer, the second argument is also the `AnswerCallback` (with the metadata's fields), so
 * Socket.IO's `(message, callback) => callback('client!')` reads as it does there; calling it
 * is only possible then (`typeof meta === 'function'`).
 *
 * @example
 * socket.on('hello', (message, callback) => callback('client!'));
 */
export type ServerEventHandler<T> = (data: T, meta: EventMeta & AnswerCallback) => void;

/** The handler type for event `E`: a lifecycle signature, or a server event handler. */
export type Listener<S, E> = E extends LifecycleEvent
  ? LifecycleEvents[E]
  : E extends keyof S
    ? ServerEventHandler<S[E]>
    : never;
