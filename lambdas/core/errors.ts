import type { Budget } from './ports';

/** Error codes of wire protocol v1 (`docs/protocol.md`). */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_EVENT',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'TOO_MANY_ROOMS',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An error a handler throws to answer the client with a protocol error code.
 *
 * @example
 * throw new ChatError('FORBIDDEN', 'Only members may post to this room');
 */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Which limit a `RATE_LIMITED` frame ran into: `connection` (the frames of one connection,
 * counted in each Lambda container), or a per-user budget counted in the store: `messages`
 * (frames sent) or `deliveries` (recipients posted to on the user's behalf).
 */
export type RateLimit = 'connection' | Budget;

/**
 * `RATE_LIMITED`, naming the limit; the error frame carries it as `error.limit`.
 *
 * @example
 * throw new RateLimitedError('deliveries', 'At most 6000 recipients per 60 s on your behalf');
 */
export class RateLimitedError extends ChatError {
  constructor(
    readonly limit: RateLimit,
    message: string,
  ) {
    super('RATE_LIMITED', message);
  }
}

/**
 * Rejects a connection at the handshake with an HTTP status (401, 403, 404, ...); `data` is
 * what a Socket.IO client's `connect_error` carries as `err.data`.
 *
 * @example
 * nsp.use((socket) => { if (!socket.handshake.query.token) throw new ConnectionRefusedError(401, 'Token required'); });
 */
export class ConnectionRefusedError extends Error {
  override readonly name = 'ConnectionRefusedError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  /**
   * The refusal a middleware means by `next(error)`: `error` itself when it is one, else 403
   * (or the error's own 4xx `statusCode`) with its message and `data`.
   *
   * @example
   * ConnectionRefusedError.from(Object.assign(new Error('not authorized'), { data: { retry: true } }));
   */
  static from(error: Error): ConnectionRefusedError {
    if (error instanceof ConnectionRefusedError) return error;
    const { statusCode, data } = error as { statusCode?: unknown; data?: unknown };
    const status =
      typeof statusCode === 'number' &&
      Number.isInteger(statusCode) &&
      statusCode >= 400 &&
      statusCode < 500
        ? statusCode
        : 403;
    return new ConnectionRefusedError(status, error.message, data);
  }
}

/** The store was asked to change a connection that no longer exists. */
export class ConnectionGoneError extends Error {
  override readonly name = 'ConnectionGoneError';
  constructor(readonly connectionId: string) {
    super(`Connection ${connectionId} is gone`);
  }
}

/**
 * A join would take a socket past its room limit (`ServerOptions.maxRoomsPerSocket`); nothing
 * was written. Answered `TOO_MANY_ROOMS`.
 *
 * @example
 * throw new RoomLimitError('R1kmxc2VNjMCFIA=', 100);
 */
export class RoomLimitError extends ChatError {
  constructor(
    readonly socketId: string,
    readonly maxRooms: number,
  ) {
    super('TOO_MANY_ROOMS', `A socket may be in at most ${maxRooms} rooms: leave one first`);
  }
}

/**
 * Not every recipient of an acked emit answered in time: Socket.IO's `operation has timed
 * out`, with the answers that did come (`responses`, for a broadcast).
 *
 * @example
 * try { await nsp.timeout(2_000).emitWithAck('vote'); } catch (error) { if (error instanceof AckTimeoutError) tally(error.responses); }
 */
export class AckTimeoutError extends Error {
  override readonly name = 'AckTimeoutError';
  constructor(readonly responses: readonly unknown[] = []) {
    super('operation has timed out');
  }
}
