import type { RecoverableSocket, RecoveryStore } from '../../lambdas/core/ports';

const NOW = Date.now();
let pids = 0;

/** A socket as `$disconnect` keeps it, under a new pid, recoverable for two minutes from now. */
export function recoverableSocket(change: Partial<RecoverableSocket> = {}): RecoverableSocket {
  pids += 1;
  return {
    pid: `pid-${NOW.toString(36)}-${pids}`,
    ns: '/chat',
    rooms: ['lobby', 'room:music'],
    data: { user: { id: 'alice', name: 'Alice' }, nickname: 'Al' },
    userId: 'alice',
    socketId: `socket-${NOW.toString(36)}-${pids}`,
    disconnectedAt: NOW,
    // In the future: DynamoDB Local's TTL sweep may delete an item whose ttl has passed at any moment.
    expiresAt: Math.floor(NOW / 1000) + 120,
    ...change,
  };
}

/**
 * What every `RecoveryStore` does, run against the in-memory store and DynamoDB Local.
 *
 * @example
 * describeRecoveryStoreContract('InMemoryRecoveryStore', () => new InMemoryRecoveryStore());
 */
export function describeRecoveryStoreContract(name: string, create: () => RecoveryStore): void {
  describe(`${name}: the RecoveryStore contract`, () => {
    it('gives a kept socket back to its namespace and user, once', async () => {
      // Prepare
      const store = create();
      const socket = recoverableSocket();
      await store.keep(socket);

      // Act
      const first = await store.take(socket.pid, { ns: '/chat', userId: 'alice' }, NOW);
      const second = await store.take(socket.pid, { ns: '/chat', userId: 'alice' }, NOW);

      // Assess
      expect(first).toEqual(socket);
      expect(second).toBeUndefined();
    });

    it('keeps a socket without rooms or user', async () => {
      // Prepare
      const store = create();
      const socket = recoverableSocket({ rooms: [], data: {}, userId: undefined });
      const { userId: _none, ...kept } = socket;
      await store.keep(kept);

      // Act
      const taken = await store.take(socket.pid, { ns: '/chat', userId: undefined }, NOW);

      // Assess
      expect(taken).toEqual(kept);
    });

    it('refuses another user, another namespace and an unknown pid, and keeps the socket for its owner', async () => {
      // Prepare
      const store = create();
      const socket = recoverableSocket();
      await store.keep(socket);

      // Act
      const byMallory = await store.take(socket.pid, { ns: '/chat', userId: 'mallory' }, NOW);
      const byNobody = await store.take(socket.pid, { ns: '/chat', userId: undefined }, NOW);
      const elsewhere = await store.take(socket.pid, { ns: '/', userId: 'alice' }, NOW);
      const unknown = await store.take('pid-unknown', { ns: '/chat', userId: 'alice' }, NOW);

      // Assess
      expect([byMallory, byNobody, elsewhere, unknown]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(await store.take(socket.pid, { ns: '/chat', userId: 'alice' }, NOW)).toEqual(socket);
    });

    it('refuses a socket of a user to a connection without one', async () => {
      // Prepare
      const store = create();
      const socket = recoverableSocket({ userId: undefined });
      const { userId: _none, ...kept } = socket;
      await store.keep(kept);

      // Act
      const byAlice = await store.take(socket.pid, { ns: '/chat', userId: 'alice' }, NOW);

      // Assess
      expect(byAlice).toBeUndefined();
    });

    it('gives nothing back once the socket expired', async () => {
      // Prepare
      const store = create();
      const socket = recoverableSocket();
      await store.keep(socket);

      // Act
      const late = await store.take(
        socket.pid,
        { ns: '/chat', userId: 'alice' },
        socket.expiresAt * 1000 + 1,
      );

      // Assess
      expect(late).toBeUndefined();
    });

    it('gives a socket to one of concurrent takes', async () => {
      // Prepare
      const store = create();
      const socket = recoverableSocket();
      await store.keep(socket);

      // Act
      const takes = await Promise.all(
        Array.from({ length: 5 }, () =>
          store.take(socket.pid, { ns: '/chat', userId: 'alice' }, NOW),
        ),
      );

      // Assess
      expect(takes.filter((taken) => taken !== undefined)).toEqual([socket]);
    });

    it('knows which sockets left their namespace, until the mark expires', async () => {
      // Prepare
      const store = create();
      const { socketId: left } = recoverableSocket();
      const { socketId: stayed } = recoverableSocket();
      const expiresAt = Math.floor(NOW / 1000) + 120;

      // Act
      await store.markLeft(left as string, expiresAt);

      // Assess
      expect(await store.hasLeft(left as string, NOW)).toBe(true);
      expect(await store.hasLeft(stayed as string, NOW)).toBe(false);
      expect(await store.hasLeft(left as string, expiresAt * 1000 + 1)).toBe(false);
    });
  });
}
