import type { EventMeta, UserInfo } from './events';
import { isSeq } from './seq';

/**
 * Reads a `{"id","name"}` identity from untrusted data; undefined when it is not one.
 *
 * @example
 * readUser({ id: 'alice', name: 'Alice' }); // { id: 'alice', name: 'Alice' }
 */
export function readUser(value: unknown): UserInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, name } = value as Record<string, unknown>;
  return typeof id === 'string' && typeof name === 'string' ? { id, name } : undefined;
}

/**
 * The `EventMeta` of a server event frame: its namespace (the socket's when the frame has
 * none), and its room, seq, sender and user when present and well formed.
 *
 * @example
 * eventMeta({ event: 'chat', data: 'hi', ns: '/', room: 'lobby', seq: 42, from: 'c1' }, '/');
 * // { ns: '/', room: 'lobby', seq: 42, from: 'c1' }
 */
export function eventMeta(frame: Record<string, unknown>, namespace: string): EventMeta {
  const user = readUser(frame.user);
  return {
    ns: typeof frame.ns === 'string' ? frame.ns : namespace,
    ...(typeof frame.room === 'string' ? { room: frame.room } : {}),
    ...(isSeq(frame.seq) ? { seq: frame.seq } : {}),
    ...(typeof frame.id === 'string' ? { id: frame.id } : {}),
    ...(typeof frame.from === 'string' ? { from: frame.from } : {}),
    ...(user ? { user } : {}),
  };
}
