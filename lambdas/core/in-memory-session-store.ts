import type { EngineSession, SessionStore, SlotMember } from './ports';
import type { SocketId } from './types';

/** Most members per page of `slotMembers`, as a DynamoDB page would hold. */
const PAGE = 100;

/**
 * `SessionStore` in this process's memory, for tests and single-process use.
 *
 * @example
 * const server = new Server({ ...options, sessions: new InMemorySessionStore() });
 */
export class InMemorySessionStore implements SessionStore {
  private readonly sessions = new Map<SocketId, EngineSession>();

  async open(session: EngineSession): Promise<void> {
    this.sessions.set(session.id, structuredClone(session));
  }

  async get(id: SocketId): Promise<EngineSession | undefined> {
    const session = this.sessions.get(id);
    return session && structuredClone(session);
  }

  async close(id: SocketId): Promise<void> {
    this.sessions.delete(id);
  }

  async addNamespace(id: SocketId, ns: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (session === undefined) return false;
    if (!session.namespaces.includes(ns))
      this.sessions.set(id, { ...session, namespaces: [...session.namespaces, ns].sort() });
    return true;
  }

  async removeNamespace(id: SocketId, ns: string): Promise<void> {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.set(id, { ...session, namespaces: session.namespaces.filter((n) => n !== ns) });
  }

  async *slotMembers(slot: number): AsyncIterable<readonly SlotMember[]> {
    const members = [...this.sessions.values()]
      .filter((session) => session.slot === slot)
      .map(({ id, connectedAt }) => ({ id, connectedAt }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (let start = 0; start < members.length; start += PAGE)
      yield members.slice(start, start + PAGE);
  }
}
