import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';

/** The first byte of a TLS connection: a handshake record. */
const TLS_HANDSHAKE = 0x16;

/**
 * One TCP listener for plain and TLS clients: the first byte of each connection tells a TLS
 * handshake from HTTP, and the connection goes to `https` or `http` (so `ws://` and `wss://`,
 * `http://` and `https://` share a port, as the `domainName` of API Gateway's events implies).
 *
 * @example
 * const server = createDualProtocolServer(http.createServer(onRequest), https.createServer({ key, cert }, onRequest));
 * server.listen(3001);
 */
export function createDualProtocolServer(http: HttpServer, https: HttpsServer): Server {
  const route = (socket: Socket): void => {
    const first: Buffer | null = socket.read(1);
    if (first === null) {
      socket.once('readable', () => route(socket));
      return;
    }
    socket.unshift(first);
    socket.removeListener('error', ignore);
    (first[0] === TLS_HANDSHAKE ? https : http).emit('connection', socket);
  };
  return createServer((socket) => {
    // A client that resets before its first byte must not crash the process.
    socket.on('error', ignore);
    route(socket);
  });
}

function ignore(): void {}
