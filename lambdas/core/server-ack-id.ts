import { randomBytes } from 'node:crypto';

/**
 * Server ack ids travel as UUIDs in JSON protocol v1 (`"ack": "<uuid>"`) and as numbers in
 * Socket.IO (`42/chat,17[…]`, answered by `43/chat,17[…]`). One id serves both: 52 random
 * bits, written into a UUID-shaped string that converts back and forth without a lookup.
 */

const SHAPE = /^([0-9a-f]{8})-([0-9a-f]{4})-4([0-9a-f])00-8000-000000000000$/;

/**
 * A new server ack id.
 *
 * @example
 * newServerAckId(); // '0a1b2c3d-4e5f-4600-8000-000000000000'
 */
export function newServerAckId(): string {
  const bytes = randomBytes(7);
  return serverAckIdOf(bytes.readUIntBE(0, 6) * 16 + ((bytes[6] as number) & 0x0f));
}

/**
 * The Socket.IO ack number of a server ack id.
 *
 * @example
 * serverAckNumber(serverAckIdOf(17)); // 17
 */
export function serverAckNumber(id: string): number {
  const match = SHAPE.exec(id);
  if (!match) throw new RangeError(`${id} is not a server ack id`);
  return Number.parseInt(`${match[1]}${match[2]}${match[3]}`, 16);
}

/** The server ack id of a Socket.IO ack number (what `43/ns,17[…]` answers). */
export function serverAckIdOf(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 2 ** 52)
    throw new RangeError(`${n} is not a Socket.IO ack number of the server`);
  const hex = n.toString(16).padStart(13, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12)}00-8000-000000000000`;
}
