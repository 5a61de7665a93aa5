/**
 * A function type checked bivariantly in its parameter, so handlers typed for a platform's
 * own event classes (DOM `MessageEvent`, `ws`'s `WebSocket.MessageEvent`) fit.
 */
type EventHandler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/**
 * What the client needs of a WebSocket: the browser's native `WebSocket`, Node 22's global
 * one and `ws` all fit.
 */
export interface WebSocketLike {
  onopen: EventHandler<unknown> | null;
  onmessage: EventHandler<{ readonly data: unknown }> | null;
  onerror: EventHandler<unknown> | null;
  onclose: EventHandler<{ readonly code: number; readonly reason: string }> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** The handshake's HTTP status when it was not 101; set by the Node transport (`client/node.ts`). */
  readonly handshakeStatus?: number | undefined;
}

/** A WebSocket class, e.g. `globalThis.WebSocket` or `ws`'s default export. */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

/** `ws` without an 'unexpected-response' listener reports the status only in its error message. */
const UNEXPECTED_RESPONSE = /Unexpected server response: (\d{3})/;

/**
 * The handshake's HTTP status of a socket that failed to open, when the platform exposes it:
 * never in browsers.
 *
 * @example
 * handshakeStatus(ws, 'Unexpected server response: 401'); // 401
 */
export function handshakeStatus(
  ws: WebSocketLike,
  errorMessage: string | undefined,
): number | undefined {
  if (typeof ws.handshakeStatus === 'number') return ws.handshakeStatus;
  const match = errorMessage === undefined ? null : UNEXPECTED_RESPONSE.exec(errorMessage);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The message of a WebSocket `error` event (`ws` has one; browsers give none). */
export function errorEventMessage(event: unknown): string | undefined {
  const message = (event as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}
