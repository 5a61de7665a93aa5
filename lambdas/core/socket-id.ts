import type { SocketId } from './types';

/** 15 characters of base64 or base64url (AWS logs show `-`; which alphabet AWS uses is unverified) and `=`. */
const SOCKET_ID = /^[A-Za-z0-9+/_-]{15}=$/;

/**
 * Whether a string has the shape of an API Gateway connection id (16 base64 or base64url
 * characters ending in `=`). Such a name always denotes a connection's own room, so no other
 * room may take it.
 *
 * @example
 * isSocketId('R1kmxc2VNjMCFIA='); // true
 * isSocketId('JC1dgf9yoAMCK-g='); // true
 */
export function isSocketId(value: string): value is SocketId {
  return SOCKET_ID.test(value);
}
