import { createHash } from 'node:crypto';
import type { SocketId } from './types';

/**
 * The id of a Socket.IO client's socket in namespace `ns` on connection `connectionId`: every
 * namespace multiplexed on one connection has its own socket, own id and own room, and any
 * invocation derives the id from what API Gateway passes (the connection id) and what the
 * packet names (the namespace), without a read. It has the shape of a connection id (15
 * base64url characters and `=`), as every room named like one is a socket's own.
 *
 * @example
 * namespaceSocketId('R1kmxc2VNjMCFIA=', '/chat'); // e.g. 'pY3w9sT0nK2bQe1='
 */
export function namespaceSocketId(connectionId: SocketId, ns: string): SocketId {
  const digest = createHash('sha256').update(`${connectionId}\n${ns}`).digest('base64url');
  return `${digest.slice(0, 15)}=`;
}
