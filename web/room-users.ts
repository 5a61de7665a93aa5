import type { PresenceData, UserInfo } from '../client/index';

/** A user in a room, once however many connections (tabs) it has there. */
export interface RoomUser {
  readonly id: string;
  readonly name: string;
  readonly connections: number;
}

/**
 * The users of the page's current room: set from a `members` reply's `users`, then kept up to
 * date by `presence` events (a join adds the user, a leave removes it). A second tab of a user
 * is not announced, so only `members` knows the connection counts.
 *
 * @example
 * const users = new RoomUsers();
 * users.reset([{ id: 'ann', name: 'Ann', connections: 2 }]);
 * users.apply({ action: 'join', user: { id: 'bob', name: 'Bob' } }); // true
 * users.list.map((user) => user.name); // ['Ann', 'Bob']
 */
export class RoomUsers {
  private readonly users = new Map<string, RoomUser>();

  /** Sorted by name, then id. */
  get list(): RoomUser[] {
    return [...this.users.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
    );
  }

  has(id: string): boolean {
    return this.users.has(id);
  }

  reset(users: readonly RoomUser[]): void {
    this.users.clear();
    for (const user of users) this.users.set(user.id, user);
  }

  /** Applies a presence event; true when the list changed. */
  apply(presence: PresenceData): boolean {
    const { id, name } = presence.user;
    if (presence.action === 'leave') return this.users.delete(id);
    if (this.users.has(id)) return false;
    this.users.set(id, { id, name, connections: 1 });
    return true;
  }
}

/**
 * Reads the data of a `presence` event; undefined when it is not one.
 *
 * @example
 * readPresence({ action: 'join', user: { id: 'bob', name: 'Bob' } }); // the same, typed
 */
export function readPresence(data: unknown): PresenceData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { action, user, reason } = data as Record<string, unknown>;
  if (action !== 'join' && action !== 'leave') return undefined;
  const who = readUserInfo(user);
  if (!who) return undefined;
  return reason === 'leave' || reason === 'disconnect' || reason === 'gone'
    ? { action, user: who, reason }
    : { action, user: who };
}

/**
 * Reads a `members` reply's `users`; undefined when the reply has none (a namespace without
 * presence), entries that are not users left out.
 *
 * @example
 * readUsers([{ id: 'bob', name: 'Bob', connections: 2 }]); // [{ id: 'bob', name: 'Bob', connections: 2 }]
 */
export function readUsers(value: unknown): RoomUser[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((entry: unknown) => {
    const user = readUserInfo(entry);
    const { connections } = (entry ?? {}) as { connections?: unknown };
    if (!user) return [];
    const count = typeof connections === 'number' && connections >= 1 ? connections : 1;
    return [{ id: user.id, name: user.name, connections: Math.floor(count) }];
  });
}

/**
 * The log line of a presence event.
 *
 * @example
 * presenceText({ action: 'leave', user: { id: 'bob', name: 'Bob' }, reason: 'disconnect' }); // 'Bob left (disconnected)'
 */
export function presenceText(presence: PresenceData): string {
  const { name } = presence.user;
  if (presence.action === 'join') return `${name} joined`;
  return `${name} left${presence.reason === undefined ? '' : LEAVE_NOTES[presence.reason]}`;
}

const LEAVE_NOTES: Readonly<Record<NonNullable<PresenceData['reason']>, string>> = {
  leave: '',
  disconnect: ' (disconnected)',
  gone: ' (connection lost)',
};

function readUserInfo(value: unknown): UserInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, name } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') return undefined;
  return { id, name: typeof name === 'string' && name.trim() !== '' ? name : id };
}
