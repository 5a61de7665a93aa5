import type { PresenceMember } from '../core/types';

/**
 * The wire form of a room's users: `[{"id", "name", "connections"}]`, one entry per user.
 *
 * @example
 * usersReply([{ user: { id: 'alice', name: 'Alice' }, connections: 2 }]); // [{ id: 'alice', name: 'Alice', connections: 2 }]
 */
export function usersReply(members: readonly PresenceMember[]): Record<string, unknown>[] {
  return members.map(({ user, connections }) => ({ id: user.id, name: user.name, connections }));
}
