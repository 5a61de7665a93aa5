import type { RecoverableSocket, RecoveryStore } from './ports';
import { setWithin } from './set-within';
import type { SocketId } from './types';

/**
 * Marks of sockets that left, at most; past it, the oldest goes first (every mark lasts the
 * same recovery window, so the oldest is also the first to expire).
 */
const MAX_LEFT = 10_000;

/**
 * `RecoveryStore` in this process's memory, for tests and single-process use.
 *
 * @example
 * const server = new Server({ ...options, recoveries: new InMemoryRecoveryStore() });
 */
export class InMemoryRecoveryStore implements RecoveryStore {
  private readonly sockets = new Map<string, RecoverableSocket>();
  /** Socket id → until when (epoch seconds) it is known to have left. */
  private readonly left = new Map<SocketId, number>();

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

  async markLeft(socketId: SocketId, expiresAt: number): Promise<void> {
    setWithin(this.left, socketId, expiresAt, MAX_LEFT);
  }

  async hasLeft(socketId: SocketId, now = Date.now()): Promise<boolean> {
    const until = this.left.get(socketId);
    return until !== undefined && until * 1000 > now;
  }
}
