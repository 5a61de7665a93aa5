/** Error codes a server answers with (wire protocol v1, `docs/protocol.md`). */
export type ServerErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_EVENT'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL';

/**
 * Codes the client adds:
 * - `TIMEOUT`: no ack within the timeout;
 * - `DISCONNECTED`: the socket dropped before the ack arrived, or it was closed by `close()`;
 * - `BUFFER_OVERFLOW`: a buffered emit was dropped to make room for a newer one;
 * - `CONNECT_ERROR`: a connection attempt failed (see `status`);
 * - `GATEWAY`: API Gateway answered a frame itself (`{"message":"Internal server error"}`).
 */
export type ClientErrorCode =
  | 'TIMEOUT'
  | 'DISCONNECTED'
  | 'BUFFER_OVERFLOW'
  | 'CONNECT_ERROR'
  | 'GATEWAY';

/** Any code a `ChatClientError` carries; unknown server codes pass through as strings. */
export type ChatErrorCode = ServerErrorCode | ClientErrorCode | (string & {});

/** The `error` object of a failed ack, and the data of the server's `error` event. */
export interface ServerError {
  readonly code: string;
  readonly message: string;
}

/**
 * What `emitWithAck` rejects with, and what `connect_error` carries.
 *
 * @example
 * try { await socket.emitWithAck('chat', { room: 'lobby', message: 'hi' }); }
 * catch (error) { if (error instanceof ChatClientError && error.code === 'FORBIDDEN') await socket.join('lobby'); }
 */
export class ChatClientError extends Error {
  override readonly name = 'ChatClientError';
  /** The handshake's HTTP status, on `connect_error` when the platform exposes it (Node), else undefined. */
  readonly status: number | undefined;

  constructor(
    readonly code: ChatErrorCode,
    message: string,
    options: { readonly status?: number | undefined } = {},
  ) {
    super(message);
    this.status = options.status;
  }
}
