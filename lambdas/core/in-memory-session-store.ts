import type { EngineSession, SessionStore } from './ports';
import type { SocketId } from './types';

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
}
