import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
// Everything else comes from './index' only: the build keeps it external (dist/client/index.mjs),
// so both entry points share one ChatSocket and ChatClientError (instanceof works across them).
import {
  type AnyClientEvents,
  type AnyServerEvents,
  ChatSocket,
  type ClientEventsMap,
  type ConnectOptions,
} from './index';

/**
 * `ws`, recording the HTTP status of a refused handshake (which browsers never expose) so
 * `connect_error` can carry it and 401/403/404 stop the reconnection.
 */
export class NodeWebSocket extends WebSocket {
  handshakeStatus: number | undefined;

  constructor(url: string, protocols?: string[]) {
    super(url, protocols);
    this.once('unexpected-response', (_request, response: IncomingMessage) => {
      this.handshakeStatus = response.statusCode;
      response.resume();
      this.terminate(); // with a listener, ws leaves aborting the handshake to us
    });
  }
}

/**
 * `connect` for Node: the same client over `ws` (unless `options.WebSocket` says otherwise).
 *
 * @example
 * import { connect } from './client/node';
 * const socket = connect('ws://localhost:3001/local', { namespace: '/chat' });
 */
export function connect<
  S extends object = AnyServerEvents,
  C extends ClientEventsMap<C> = AnyClientEvents,
>(url: string, options: ConnectOptions = {}): ChatSocket<S, C> {
  return new ChatSocket<S, C>(url, {
    ...options,
    WebSocket: options.WebSocket ?? NodeWebSocket,
  }).connect();
}

export * from './index';
