/**
 * What the client sent when it connected; API Gateway shows headers and the query string
 * only on `$connect`, so this is all the request detail a socket ever has.
 *
 * @example
 * nsp.use((socket) => { if (socket.handshake.query.token !== 'secret') throw new ConnectionRefusedError(401, 'Bad token'); });
 */
export interface Handshake {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly address: string;
  readonly userAgent: string | undefined;
  /** Epoch milliseconds of the connection. */
  readonly time: number;
  /** The Lambda authorizer's context, when one ran. */
  readonly authorizer: Readonly<Record<string, unknown>> | undefined;
}

/** The handshake of a socket rebuilt after `$connect`, when only its stored data remains. */
export function laterHandshake(time: number): Handshake {
  return { headers: {}, query: {}, address: '', userAgent: undefined, time, authorizer: undefined };
}
