import { ChatSocket } from './chat-socket';
import type { AnyClientEvents, AnyServerEvents, ClientEventsMap } from './events';
import type { ConnectOptions } from './options';

/**
 * Opens a `ChatSocket` to an apigw-chat WebSocket API and starts connecting at once.
 * Browsers (and Node 22) use the global `WebSocket`; on Node import the Node entry point,
 * which passes `ws`.
 *
 * @example
 * const socket = connect<RootServerEvents, RootClientEvents>('ws://localhost:3001/local', { auth: { token } });
 * socket.on('connect', () => console.log('connected as', socket.id));
 */
export function connect<
  S extends object = AnyServerEvents,
  C extends ClientEventsMap<C> = AnyClientEvents,
>(url: string, options: ConnectOptions = {}): ChatSocket<S, C> {
  return new ChatSocket<S, C>(url, options).connect();
}

export { AckRegistry, PendingAck } from './ack-registry';
export { Backoff, type BackoffOptions } from './backoff';
export type {
  ChatNamespaceClientEvents,
  ChatNamespaceServerEvents,
  NotificationServerEvents,
  PresenceData,
  RootClientEvents,
  RootServerEvents,
} from './chat-events';
export { ChatSocket, type JoinReply } from './chat-socket';
export { CLOSE_ABANDONED, FINAL_HANDSHAKE_STATUSES } from './connection-manager';
export { type BufferedEmit, EmitBuffer } from './emit-buffer';
export {
  ChatClientError,
  type ChatErrorCode,
  type ClientErrorCode,
  type ServerError,
  type ServerErrorCode,
} from './errors';
export type {
  AckOf,
  AnyClientEvents,
  AnyServerEvents,
  ClientEventsMap,
  DataOf,
  DisconnectReason,
  EmitSpec,
  EventMeta,
  LifecycleEvent,
  LifecycleEvents,
  Listener,
  RoomGap,
  ServerEventHandler,
  UserInfo,
} from './events';
export type { HistoryOptions, HistoryPage, JoinHistory, StoredMessage } from './history';
export type { ConnectOptions, ReconnectionOptions, RecoveryOptions } from './options';
export { type CursorStep, RoomCursor } from './room-cursor';
export type { TimerHandle, Timers } from './timers';
export type { WebSocketConstructor, WebSocketLike } from './transport';
