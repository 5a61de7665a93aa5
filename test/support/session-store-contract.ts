import type { EngineSession, SessionStore, SlotMember } from '../../lambdas/core/ports';
import { connectionId } from './chat-harness';

const NOW = Date.now();

/** A session as `$connect` stores it, for a new connection id. */
export function sessionFor(id = connectionId()): EngineSession {
  return {
    id,
    // Now, and expiring in the future: DynamoDB Local's TTL sweep deletes items whose `ttl`
    // has passed at any moment, which made a closed session's slot listing outlive it.
    connectedAt: NOW,
    expiresAt: Math.floor(NOW / 1000) + 8_100,
    handshake: {
      headers: {
        host: 'abc.execute-api.us-east-1.amazonaws.com',
        'x-forwarded-for': '203.0.113.7',
      },
      query: { EIO: '4', transport: 'websocket', room: 'lobby' },
      auth: {},
      address: '203.0.113.7',
      userAgent: 'socket.io-client',
      time: NOW,
    },
    slot: 2,
    namespaces: [],
  };
}

/**
 * What every `SessionStore` does, run against the in-memory store and DynamoDB Local.
 *
 * @example
 * describeSessionStoreContract('InMemorySessionStore', () => new InMemorySessionStore());
 */
export function describeSessionStoreContract(name: string, create: () => SessionStore): void {
  describe(`${name}: the SessionStore contract`, () => {
    it('gives back the session it was given', async () => {
      // Prepare
      const store = create();
      const session = sessionFor();

      // Act
      await store.open(session);

      // Assess
      expect(await store.get(session.id)).toEqual(session);
    });

    it('knows nothing of a connection it was not given', async () => {
      // Act
      const found = await create().get(connectionId());

      // Assess
      expect(found).toBeUndefined();
    });

    it('forgets a closed session, and closing twice is harmless', async () => {
      // Prepare
      const store = create();
      const session = sessionFor();
      await store.open(session);

      // Act
      await store.close(session.id);
      await store.close(session.id);

      // Assess
      expect(await store.get(session.id)).toBeUndefined();
    });

    it('lists each open session in its slot, a page at a time, and a closed one no more', async () => {
      // Prepare
      const store = create();
      const slot = 1_000 + Math.floor(Math.random() * 1_000_000);
      const sessions = Array.from({ length: 150 }, () => ({ ...sessionFor(), slot }));
      const elsewhere = { ...sessionFor(), slot: slot + 1 };
      for (const session of [...sessions, elsewhere]) await store.open(session);
      await store.close((sessions[0] as EngineSession).id);

      // Act
      const pages: (readonly SlotMember[])[] = [];
      for await (const page of store.slotMembers(slot)) pages.push(page);

      // Assess
      expect(pages.every((page) => page.length > 0 && page.length <= 100)).toBe(true);
      expect(
        pages
          .flat()
          .map((member) => member.id)
          .sort(),
      ).toEqual(
        sessions
          .slice(1)
          .map((session) => session.id)
          .sort(),
      );
      expect(pages.flat()[0]?.connectedAt).toBe(sessions[1]?.connectedAt);
    });

    it('records the namespaces connected on a session, and forgets those left', async () => {
      // Prepare
      const store = create();
      const session = sessionFor();
      await store.open(session);

      // Act
      const added = [
        await store.addNamespace(session.id, '/chat'),
        await store.addNamespace(session.id, '/'),
        await store.addNamespace(session.id, '/chat'),
      ];
      await store.removeNamespace(session.id, '/');

      // Assess
      expect(added).toEqual([true, true, true]);
      expect((await store.get(session.id))?.namespaces).toEqual(['/chat']);
    });

    it('adds no namespace to a closed session, and removing from one is harmless', async () => {
      // Prepare
      const store = create();
      const session = sessionFor();
      await store.open(session);
      await store.close(session.id);

      // Act
      const added = await store.addNamespace(session.id, '/chat');
      await store.removeNamespace(session.id, '/chat');

      // Assess
      expect(added).toBe(false);
      expect(await store.get(session.id)).toBeUndefined();
    });

    it('keeps sessions apart', async () => {
      // Prepare
      const store = create();
      const [a, b] = [sessionFor(), sessionFor()];
      await store.open(a);
      await store.open({ ...b, handshake: { ...b.handshake, query: { EIO: '4', other: 'yes' } } });

      // Act
      await store.close(b.id);

      // Assess
      expect(await store.get(a.id)).toEqual(a);
      expect(await store.get(b.id)).toBeUndefined();
    });
  });
}
