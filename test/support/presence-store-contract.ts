import type { PresenceStore } from '../../lambdas/core/ports';
import type { SocketUser } from '../../lambdas/core/types';

/** Epoch ms the test clock starts at: now, so that DynamoDB Local's real TTL leaves items alone. */
const START = Date.now();

/** A clock a test moves forward; the store under test reads it. */
export interface TestClock {
  readonly now: () => number;
  advanceSeconds(seconds: number): void;
}

function aClock(): TestClock {
  let ms = START;
  return {
    now: () => ms,
    advanceSeconds: (seconds) => {
      ms += seconds * 1000;
    },
  };
}

/** Namespaces are unique per test, so that suites can share one table. */
let namespaces = 0;
let connections = 0;

/** A fresh API-Gateway-like connection id. */
function aConnectionId(): string {
  connections++;
  return `P${connections.toString().padStart(14, '0')}=`;
}

const ADA: SocketUser = { id: 'ada', name: 'Ada' };
const BOB: SocketUser = { id: 'bob', name: 'Bob' };
/** More users than a test page size of the DynamoDB store, e.g. 7. */
const MORE_THAN_ONE_PAGE = 23;

/**
 * The behaviour every `PresenceStore` must have. Run it once per implementation so the
 * in-memory store used by unit tests cannot drift from the DynamoDB one.
 *
 * @example
 * describePresenceStoreContract('InMemoryPresenceStore', ({ now }) => new InMemoryPresenceStore({ now }));
 */
export function describePresenceStoreContract(
  name: string,
  makeStore: (clock: TestClock) => PresenceStore | Promise<PresenceStore>,
): void {
  describe(`Class: ${name} (PresenceStore contract)`, () => {
    let store: PresenceStore;
    let clock: TestClock;
    let ns: string;

    beforeEach(async () => {
      clock = aClock();
      store = await makeStore(clock);
      ns = `/presence-${++namespaces}`;
    });

    const inAnHour = (): number => Math.floor(clock.now() / 1000) + 3_600;
    const inAMinute = (): number => Math.floor(clock.now() / 1000) + 60;
    const enter = (user: SocketUser, id: string, expiresAt = inAnHour(), room = 'lobby') =>
      store.enter(ns, room, user, id, expiresAt);

    describe('Method: enter', () => {
      it("answers true for a user's first connection in the room", async () => {
        // Act
        const first = await enter(ADA, aConnectionId());

        // Assess
        expect(first).toBe(true);
        expect(await store.list(ns, 'lobby')).toEqual([{ user: ADA, connections: 1 }]);
      });

      it("answers false for the user's second connection, and counts both", async () => {
        // Prepare
        await enter(ADA, aConnectionId());

        // Act
        const second = await enter(ADA, aConnectionId());

        // Assess
        expect(second).toBe(false);
        expect(await store.list(ns, 'lobby')).toEqual([{ user: ADA, connections: 2 }]);
      });

      it('answers false when the same connection enters again, and counts it once', async () => {
        // Prepare
        const id = aConnectionId();
        await enter(ADA, id);

        // Act
        const again = await enter(ADA, id);

        // Assess
        expect(again).toBe(false);
        expect(await store.list(ns, 'lobby')).toEqual([{ user: ADA, connections: 1 }]);
      });

      it('answers true for each user, and in each room and namespace apart', async () => {
        // Prepare
        const id = aConnectionId();
        await enter(ADA, id);

        // Act
        const other = await enter(BOB, aConnectionId());
        const otherRoom = await enter(ADA, id, inAnHour(), 'news');
        const otherNamespace = await store.enter(`${ns}/other`, 'lobby', ADA, id, inAnHour());

        // Assess
        expect([other, otherRoom, otherNamespace]).toEqual([true, true, true]);
        expect(await store.list(ns, 'news')).toEqual([{ user: ADA, connections: 1 }]);
        expect(await store.list(`${ns}/other`, 'lobby')).toEqual([{ user: ADA, connections: 1 }]);
      });

      it('answers true for exactly one of two concurrent first connections of a user', async () => {
        // Prepare
        const users = Array.from({ length: 10 }, (_, index) => ({
          id: `user-${index}`,
          name: `User ${index}`,
        }));

        // Act
        const answers = await Promise.all(
          users.map((user) =>
            Promise.all([enter(user, aConnectionId()), enter(user, aConnectionId())]),
          ),
        );

        // Assess
        for (const pair of answers) expect(pair.filter(Boolean)).toHaveLength(1);
        expect(await store.list(ns, 'lobby')).toEqual(
          users.map((user) => ({ user, connections: 2 })),
        );
      });

      it('answers true again once the user has left', async () => {
        // Prepare
        const id = aConnectionId();
        await enter(ADA, id);
        await store.exit(ns, 'lobby', ADA.id, id);

        // Act
        const back = await enter(ADA, aConnectionId());

        // Assess
        expect(back).toBe(true);
        expect(await store.list(ns, 'lobby')).toEqual([{ user: ADA, connections: 1 }]);
      });

      it('keeps the name the user last entered with', async () => {
        // Prepare
        await enter(ADA, aConnectionId());

        // Act
        await enter({ id: ADA.id, name: 'Countess Lovelace' }, aConnectionId());

        // Assess
        expect(await store.list(ns, 'lobby')).toEqual([
          { user: { id: ADA.id, name: 'Countess Lovelace' }, connections: 2 },
        ]);
      });

      it('starts an expired entry over: true, and its old connections no longer count', async () => {
        // Prepare
        const stale = aConnectionId();
        await enter(ADA, stale, inAMinute());
        clock.advanceSeconds(61);

        // Act
        const fresh = aConnectionId();
        const first = await enter(ADA, fresh);

        // Assess
        expect(first).toBe(true);
        expect(await store.list(ns, 'lobby')).toEqual([{ user: ADA, connections: 1 }]);
        expect(await store.exit(ns, 'lobby', ADA.id, stale)).toBe(false);
        expect(await store.exit(ns, 'lobby', ADA.id, fresh)).toBe(true);
      });

      it('keeps the latest expiry when a connection enters with an earlier one', async () => {
        // Prepare
        await enter(ADA, aConnectionId(), inAnHour());

        // Act
        await enter(ADA, aConnectionId(), inAMinute());
        clock.advanceSeconds(120);

        // Assess
        expect(await store.list(ns, 'lobby')).toEqual([{ user: ADA, connections: 2 }]);
      });

      it('raises the expiry when a connection enters with a later one', async () => {
        // Prepare
        await enter(ADA, aConnectionId(), inAMinute());

        // Act
        await enter(ADA, aConnectionId(), inAnHour());
        clock.advanceSeconds(120);

        // Assess
        expect(await store.list(ns, 'lobby')).toEqual([{ user: ADA, connections: 2 }]);
      });
    });

    describe('Method: exit', () => {
      it('answers false when other connections of the user stay, and counts them', async () => {
        // Prepare
        const [first, second] = [aConnectionId(), aConnectionId()];
        await enter(ADA, first);
        await enter(ADA, second);

        // Act
        const last = await store.exit(ns, 'lobby', ADA.id, first);

        // Assess
        expect(last).toBe(false);
        expect(await store.list(ns, 'lobby')).toEqual([{ user: ADA, connections: 1 }]);
      });

      it("answers true for the user's last connection, and the user is no longer listed", async () => {
        // Prepare
        const [first, second] = [aConnectionId(), aConnectionId()];
        await enter(ADA, first);
        await enter(ADA, second);
        await enter(BOB, aConnectionId());
        await store.exit(ns, 'lobby', ADA.id, first);

        // Act
        const last = await store.exit(ns, 'lobby', ADA.id, second);

        // Assess
        expect(last).toBe(true);
        expect(await store.list(ns, 'lobby')).toEqual([{ user: BOB, connections: 1 }]);
      });

      it('answers false for an unknown user, room or connection, and records nothing', async () => {
        // Prepare
        const id = aConnectionId();
        await enter(ADA, id);

        // Act
        const answers = [
          await store.exit(ns, 'lobby', BOB.id, id),
          await store.exit(ns, 'nowhere', ADA.id, id),
          await store.exit(ns, 'lobby', ADA.id, aConnectionId()),
        ];

        // Assess
        expect(answers).toEqual([false, false, false]);
        expect(await store.list(ns, 'lobby')).toEqual([{ user: ADA, connections: 1 }]);
        expect(await store.list(ns, 'nowhere')).toEqual([]);
      });

      it('answers false when the connection exits twice', async () => {
        // Prepare
        const id = aConnectionId();
        await enter(ADA, id);
        await store.exit(ns, 'lobby', ADA.id, id);

        // Act
        const again = await store.exit(ns, 'lobby', ADA.id, id);

        // Assess
        expect(again).toBe(false);
        expect(await store.list(ns, 'lobby')).toEqual([]);
      });

      it('answers true for exactly one of concurrent exits of all connections of a user', async () => {
        // Prepare
        const users = Array.from({ length: 10 }, (_, index) => ({
          id: `user-${index}`,
          name: `User ${index}`,
        }));
        const ids = new Map(users.map((user) => [user.id, [aConnectionId(), aConnectionId()]]));
        for (const user of users) for (const id of ids.get(user.id) ?? []) await enter(user, id);

        // Act
        const answers = await Promise.all(
          users.map((user) =>
            Promise.all((ids.get(user.id) ?? []).map((id) => store.exit(ns, 'lobby', user.id, id))),
          ),
        );

        // Assess
        for (const pair of answers) expect(pair.filter(Boolean)).toHaveLength(1);
        expect(await store.list(ns, 'lobby')).toEqual([]);
      });

      it('answers false for the connection of an expired entry', async () => {
        // Prepare
        const id = aConnectionId();
        await enter(ADA, id, inAMinute());
        clock.advanceSeconds(61);

        // Act
        const last = await store.exit(ns, 'lobby', ADA.id, id);

        // Assess
        expect(last).toBe(false);
      });
    });

    describe('Method: list', () => {
      it('returns an empty list for a room nobody entered', async () => {
        // Act
        const members = await store.list(ns, 'nobody-here');

        // Assess
        expect(members).toEqual([]);
      });

      it('lists each user once with its connection count, ordered by the UTF-8 bytes of the id', async () => {
        // Prepare
        const users = ['zoe', 'Ann', 'bob', '\uff5aenith', '😀smile', 'éve'].map((id) => ({
          id,
          name: id.toUpperCase(),
        }));
        for (const [index, user] of users.entries())
          for (let count = 0; count <= index % 3; count++) await enter(user, aConnectionId());

        // Act
        const members = await store.list(ns, 'lobby');

        // Assess
        expect(members.map((member) => member.user.id)).toEqual([
          'Ann',
          'bob',
          'zoe',
          'éve',
          '\uff5aenith',
          '😀smile',
        ]);
        const counts = Object.fromEntries(
          members.map((member) => [member.user.id, member.connections]),
        );
        expect(counts).toEqual({ zoe: 1, Ann: 2, bob: 3, '\uff5aenith': 1, '😀smile': 2, éve: 3 });
        expect(members.find((member) => member.user.id === 'éve')?.user.name).toBe('ÉVE');
      });

      it('never lists an entry whose expiry has passed', async () => {
        // Prepare
        await enter(ADA, aConnectionId(), inAMinute());
        await enter(BOB, aConnectionId(), inAnHour());
        clock.advanceSeconds(61);

        // Act
        const members = await store.list(ns, 'lobby');

        // Assess
        expect(members).toEqual([{ user: BOB, connections: 1 }]);
      });

      it('expires an entry at its expiry second', async () => {
        // Prepare
        const expiresAt = inAMinute();
        await enter(ADA, aConnectionId(), expiresAt);
        clock.advanceSeconds(expiresAt - clock.now() / 1000);

        // Act
        const members = await store.list(ns, 'lobby');

        // Assess
        expect(members).toEqual([]);
      });

      it('lists every user of a room larger than one page', async () => {
        // Prepare
        const users = Array.from({ length: MORE_THAN_ONE_PAGE }, (_, index) => ({
          id: `user-${index.toString().padStart(2, '0')}`,
          name: `User ${index}`,
        }));
        for (const user of users) await enter(user, aConnectionId());
        await enter(users[0] as SocketUser, aConnectionId());

        // Act
        const members = await store.list(ns, 'lobby');

        // Assess
        expect(members).toEqual(
          users.map((user, index) => ({ user, connections: index === 0 ? 2 : 1 })),
        );
      });
    });
  });
}
