import type { RecoverableSocket, RecoveryStore } from './ports';

/**
 * `RecoveryStore` in this process's memory, for tests and single-process use.
 *
 * @example
 * const server = new Server({ ...options, recoveries: new InMemoryRecoveryStore() });
 */
export class InMemoryRecoveryStore implements RecoveryStore {
  private readonly sockets = new Map<string, RecoverableSocket>();

  async keep(socket: RecoverableSocket): Promise<void> {
    this.sockets.set(socket.pid, structuredClone(socket));
  }

  async take(
    pid: string,
    owner: { readonly ns: string; readonly userId: string | undefined },
    now = Date.now(),
  ): Promise<RecoverableSocket | undefined> {
    const socket = this.sockets.get(pid);
    if (!socket || socket.ns !== owner.ns || socket.userId !== owner.userId) return undefined;
    if (socket.expiresAt * 1000 <= now) return undefined;
    this.sockets.delete(pid);
    return socket;
  }
}
