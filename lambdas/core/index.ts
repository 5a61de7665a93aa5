export type { BroadcastOptions, BroadcastReport, Packet } from './adapter';
export { Adapter } from './adapter';
export { BroadcastOperator } from './broadcast-operator';
export type { ConnectionStateRecoveryOptions } from './connection-state-recovery';
export {
  ChatError,
  ConnectionGoneError,
  ConnectionRefusedError,
  ERROR_CODES,
  type ErrorCode,
  RoomLimitError,
} from './errors';
export type { Handshake } from './handshake';
export { InMemoryAckStore } from './in-memory-ack-store';
export { InMemoryMembershipStore } from './in-memory-membership-store';
export { InMemoryMessageLog } from './in-memory-message-log';
export { InMemoryPoster } from './in-memory-poster';
export { InMemoryPresenceStore } from './in-memory-presence-store';
export { InMemoryRecoveryStore } from './in-memory-recovery-store';
export { InMemorySessionStore } from './in-memory-session-store';
export { InMemoryUserLimitStore } from './in-memory-user-limit-store';
export type { CoreLogger } from './logger';
export type { Ack, DisconnectReason, EventHandler, JoinPolicy, Middleware } from './namespace';
export { Namespace } from './namespace';
export type {
  AfterConnectDispatcher,
  BroadcastShard,
  ConnectionPoster,
  MembershipStore,
  PostResult,
  RecoverableSocket,
  RecoveryStore,
  SessionStore,
  ShardDispatcher,
  ShardGroup,
  UserLimitStore,
} from './ports';
export { type TokenBucketOptions, TokenBucketRateLimiter } from './rate-limiter';
export type {
  ConnectInput,
  ConnectResult,
  DisconnectInput,
  MessageInput,
  ServerOptions,
} from './server';
export { Server } from './server';
export { Socket } from './socket';
export type { ConnectionRecord, Room, SocketData, SocketId, SocketUser } from './types';
