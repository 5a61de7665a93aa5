import type { SocketId } from './types';

const SOCKET_ID = /^[A-Za-z0-9+/]{15}=$/;

/**
 * Whether a string has the shape of an API Gateway connection id (16 base64 characters
 * ending in `=`). Such a name always denotes a connection's own room, so no other room may
 * take it.
 *
 * @example
 * isSocketId('R1kmxc2VNjMCFIA='); // true
 */
export function isSocketId(value: string): value is SocketId {
  return SOCKET_ID.test(value);
}
