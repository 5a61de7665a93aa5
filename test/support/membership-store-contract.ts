import { ConnectionGoneError, RoomLimitError } from '../../lambdas/core/errors';
import type { MembershipStore, RemoveOptions } from '../../lambdas/core/ports';
import type { ConnectionRecord } from '../../lambdas/core/types';

let sequence = 0;
/** Epoch seconds two hours from now: DynamoDB Local really deletes items whose TTL has passed. */
const IN_TWO_HOURS = Math.floor(Date.now() / 1000) + 7_200;

/** A connection record with a fresh API-Gateway-like id; fields may be overridden. */
export function aConnection(overrides: Partial<ConnectionRecord> = {}): ConnectionRecord {
  sequence++;
  return {
    id: `R${sequence.toString().padStart(14, '0')}=`,
    ns: '/',
    rooms: [],
    data: {},
    connectedAt: 1_700_000_000_000 + sequence,
    expiresAt: IN_TWO_HOURS + sequence,
    ...overrides,
  };
}

/** More connections than a test page size of the DynamoDB store, e.g. 7. */
const MORE_THAN_ONE_PAGE = 23;

/**
 * The behaviour every `MembershipStore` must have. Run it once per implementation so the
 * in-memory store used by unit tests cannot drift from the DynamoDB one.
 *
 * @example
 * describeMembershipStoreContract('InMemoryMembershipStore', () => new InMemoryMembershipStore());
 */
export function describeMembershipStoreContract(
  name: string,
  makeStore: () => MembershipStore | Promise<MembershipStore>,
): void {
  describe(`Class: ${name} (MembershipStore contract)`, () => {
    let store: MembershipStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    const addAll = async (records: readonly ConnectionRecord[]): Promise<void> => {
      for (const record of records) await store.addConnection(record);
    };
    const sorted = (ids: readonly string[]): string[] => [...ids].sort();
    /** Both steps of a removal. */
    const removeConnections = async (ids: readonly string[], options?: RemoveOptions) => {
      const removed = await store.detachConnections(ids, options);
      await store.removeMemberships(removed);
      return removed;
    };
    const roomsOf = async (id: string) => sorted((await store.getConnection(id))?.rooms ?? []);
    const byId = <T extends { readonly id: string }>(connections: readonly T[]): T[] =>
      [...connections].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    describe('Method: addConnection', () => {
      it('stores the connection so getConnection returns it', async () => {
        // Prepare
        const record = aConnection({ ns: '/chat', data: { user: 'ada', tags: ['x'] } });

        // Act
        await store.addConnection(record);

        // Assess
        expect(await store.getConnection(record.id)).toEqual(record);
      });

      it('moves the turn up only, and ignores a gone connection', async () => {
        const record = aConnection();
        await store.addConnection(record);
        expect((await store.getConnection(record.id))?.turn).toBeUndefined();
        await store.endTurn(record.id, 2);
        await store.endTurn(record.id, 1);
        expect((await store.getConnection(record.id))?.turn).toBe(2);
        await store.endTurn(record.id, 3);
        expect((await store.getConnection(record.id))?.turn).toBe(3);
        await store.endTurn('R99999999999999=', 1);
        expect(await store.getConnection('R99999999999999=')).toBeUndefined();
      });

      it('keeps the handshake stored with the connection, empty values included', async () => {
        // Prepare
        const handshake = {
          headers: { 'X-Team': 'blue', 'X-Empty': '' },
          query: { ns: '/', room: '' },
          auth: { nested: { list: [1, null] } },
          address: '203.0.113.7',
          userAgent: 'jest',
          time: 1_767_225_600_123,
        };
        const record = aConnection({ handshake });

        // Act
        await store.addConnection(record);

        // Assess
        expect((await store.getConnection(record.id))?.handshake).toEqual(handshake);
      });

      it('puts the connection in its namespace and in its own room', async () => {
        // Prepare
        const record = aConnection({ ns: '/chat' });

        // Act
        await store.addConnection(record);

        // Assess
        expect(await store.members('/chat')).toEqual([record.id]);
        expect(await store.members('/chat', record.id)).toEqual([record.id]);
      });

      it('puts the connection in the rooms its record already lists', async () => {
        // Prepare
        const record = aConnection({ rooms: ['lobby'] });

        // Act
        await store.addConnection(record);

        // Assess
        expect(await store.members('/', 'lobby')).toEqual([record.id]);
        expect((await store.getConnection(record.id))?.rooms).toEqual(['lobby']);
      });
    });

    describe('Method: getConnection', () => {
      it('returns undefined for an unknown connection', async () => {
        // Act
        const record = await store.getConnection('unknownId0000A=');

        // Assess
        expect(record).toBeUndefined();
      });
    });

    describe('Method: members', () => {
      it('keeps namespaces apart, also for rooms of the same name', async () => {
        // Prepare
        const root = aConnection({ ns: '/' });
        const chat = aConnection({ ns: '/chat' });
        await addAll([root, chat]);
        await store.join(root, ['lobby']);
        await store.join(chat, ['lobby']);

        // Act
        const rootMembers = await store.members('/');
        const chatLobby = await store.members('/chat', 'lobby');

        // Assess
        expect(rootMembers).toEqual([root.id]);
        expect(chatLobby).toEqual([chat.id]);
      });

      it('finds a connection in its own room only within its namespace', async () => {
        // Prepare
        const record = aConnection({ ns: '/chat' });
        await store.addConnection(record);

        // Act
        const elsewhere = await store.members('/', record.id);

        // Assess
        expect(elsewhere).toEqual([]);
      });

      it('returns an empty list for an unknown room', async () => {
        // Act
        const ids = await store.members('/', 'nobody-here');

        // Assess
        expect(ids).toEqual([]);
      });

      it('returns every member of a room larger than one page', async () => {
        // Prepare
        const records = Array.from({ length: MORE_THAN_ONE_PAGE }, () =>
          aConnection({ ns: '/big' }),
        );
        await addAll(records);
        for (const record of records) await store.join(record, ['crowd']);

        // Act
        const inRoom = await store.members('/big', 'crowd');
        const inNamespace = await store.members('/big');

        // Assess
        const expected = sorted(records.map((record) => record.id));
        expect(sorted(inRoom)).toEqual(expected);
        expect(sorted(inNamespace)).toEqual(expected);
      });
    });

    describe('Method: join', () => {
      it('adds the connection to the rooms and to its rooms list', async () => {
        // Prepare
        const record = aConnection();
        const other = aConnection();
        await addAll([record, other]);
        await store.join(other, ['lobby']);

        // Act
        await store.join(record, ['lobby', 'news']);

        // Assess
        expect(sorted(await store.members('/', 'lobby'))).toEqual(sorted([record.id, other.id]));
        expect(await store.members('/', 'news')).toEqual([record.id]);
        expect(await roomsOf(record.id)).toEqual(['lobby', 'news']);
      });

      it('lists each room once when joined twice, and never lists the own room', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await store.join(record, ['lobby']);

        // Act
        await store.join({ ...record, rooms: ['lobby'] }, ['lobby', 'lobby', record.id]);

        // Assess
        expect((await store.getConnection(record.id))?.rooms).toEqual(['lobby']);
        expect(await store.members('/', 'lobby')).toEqual([record.id]);
        expect(await store.members('/', record.id)).toEqual([record.id]);
      });

      it('keeps rooms joined meanwhile when given an outdated record', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await store.join(record, ['first']);

        // Act
        await store.join(record, ['second']);

        // Assess
        expect(await roomsOf(record.id)).toEqual(['first', 'second']);
      });

      it('rejects with ConnectionGoneError and leaves no membership when the connection is gone', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await removeConnections([record.id]);

        // Act
        const joining = store.join(record, ['lobby']);

        // Assess
        await expect(joining).rejects.toBeInstanceOf(ConnectionGoneError);
        expect(await store.members('/', 'lobby')).toEqual([]);
        expect(await store.getConnection(record.id)).toBeUndefined();
      });

      it('joins up to maxRooms rooms, and a join past it rejects with RoomLimitError and writes nothing', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await store.join(record, ['a', 'b'], { maxRooms: 3 });

        // Act
        const pastTheCap = store.join({ ...record, rooms: ['a', 'b'] }, ['c', 'd'], {
          maxRooms: 3,
        });

        // Assess
        await expect(pastTheCap).rejects.toBeInstanceOf(RoomLimitError);
        expect(await roomsOf(record.id)).toEqual(['a', 'b']);
        expect(await store.members('/', 'c')).toEqual([]);
        expect(await store.members('/', 'd')).toEqual([]);
        await store.join({ ...record, rooms: ['a', 'b'] }, ['c'], { maxRooms: 3 });
        expect(await roomsOf(record.id)).toEqual(['a', 'b', 'c']);
      });

      it('counts the rooms the socket holds, not the outdated record it was given', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await store.join(record, ['a', 'b'], { maxRooms: 3 });

        // Act
        const pastTheCap = store.join(record, ['c', 'd'], { maxRooms: 3 });

        // Assess
        await expect(pastTheCap).rejects.toBeInstanceOf(RoomLimitError);
        expect(await store.members('/', 'c')).toEqual([]);
      });

      it('joins rooms the socket already holds at the cap', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await store.join(record, ['a', 'b'], { maxRooms: 2 });

        // Act
        await store.join({ ...record, rooms: ['a', 'b'] }, ['b', 'a'], { maxRooms: 2 });

        // Assess
        expect(await roomsOf(record.id)).toEqual(['a', 'b']);
      });

      it('joins more rooms in one call than one transaction holds', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        const rooms = Array.from({ length: 150 }, (_, index) => `room-${index}`);

        // Act
        await store.join(record, rooms, { maxRooms: 150 });

        // Assess
        expect(await roomsOf(record.id)).toEqual(sorted(rooms));
        expect(await store.members('/', 'room-149')).toEqual([record.id]);
      });

      it('rejects a join detached meanwhile and leaves no membership behind', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await store.join(record, ['lobby']);
        const removed = await store.detachConnections([record.id]);

        // Act
        const joining = store.join({ ...record, rooms: ['lobby'] }, ['news']);

        // Assess
        await expect(joining).rejects.toBeInstanceOf(ConnectionGoneError);
        await store.removeMemberships(removed);
        expect(await store.members('/', 'news')).toEqual([]);
        expect(await store.members('/', 'lobby')).toEqual([]);
        expect(await store.members('/')).toEqual([]);
      });
    });

    describe('Method: leave', () => {
      it('removes the connection from the rooms and from its rooms list', async () => {
        // Prepare
        const record = aConnection();
        const other = aConnection();
        await addAll([record, other]);
        await store.join(other, ['lobby']);
        await store.join(record, ['lobby', 'news', 'sport']);
        const joined = await store.getConnection(record.id);
        if (joined === undefined) throw new Error('connection missing');

        // Act
        await store.leave(joined, ['lobby', 'sport', 'never-joined']);

        // Assess
        expect(await store.members('/', 'lobby')).toEqual([other.id]);
        expect(await store.members('/', 'sport')).toEqual([]);
        expect(await store.members('/', 'news')).toEqual([record.id]);
        expect(await roomsOf(record.id)).toEqual(['news']);
      });

      it('keeps the connection in its namespace and its own room', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);

        // Act
        await store.leave(record, [record.id]);

        // Assess
        expect(await store.members('/', record.id)).toEqual([record.id]);
        expect(await store.members('/')).toEqual([record.id]);
      });

      it('resolves when the connection is gone', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await removeConnections([record.id]);

        // Act
        const leaving = store.leave(record, ['lobby']);

        // Assess
        await expect(leaving).resolves.toBeUndefined();
      });
    });

    describe('Methods: detachConnections and removeMemberships', () => {
      it('removes the connections and every membership of theirs, and nothing else', async () => {
        // Prepare
        const gone = aConnection({ ns: '/chat' });
        const alsoGone = aConnection({ ns: '/' });
        const staying = aConnection({ ns: '/chat' });
        await addAll([gone, alsoGone, staying]);
        await store.join(gone, ['lobby', 'news']);
        await store.join(alsoGone, ['lobby']);
        await store.join(staying, ['lobby']);

        // Act
        await removeConnections([gone.id, alsoGone.id]);

        // Assess
        expect(await store.getConnection(gone.id)).toBeUndefined();
        expect(await store.getConnection(alsoGone.id)).toBeUndefined();
        expect(await store.members('/chat')).toEqual([staying.id]);
        expect(await store.members('/')).toEqual([]);
        expect(await store.members('/chat', 'lobby')).toEqual([staying.id]);
        expect(await store.members('/chat', 'news')).toEqual([]);
        expect(await store.members('/', 'lobby')).toEqual([]);
        expect(await store.members('/chat', gone.id)).toEqual([]);
        expect(await store.getConnection(staying.id)).toEqual({ ...staying, rooms: ['lobby'] });
      });

      it('detaches first: the memberships stay until removeMemberships, which may run twice', async () => {
        // Prepare
        const record = aConnection({ ns: '/steps' });
        await store.addConnection(record);
        await store.join(record, ['lobby']);

        // Act
        const removed = await store.detachConnections([record.id]);

        // Assess
        expect(await store.getConnection(record.id)).toBeUndefined();
        expect(await store.members('/steps', 'lobby')).toEqual([record.id]);
        await store.removeMemberships(removed);
        await store.removeMemberships(removed);
        expect(await store.members('/steps', 'lobby')).toEqual([]);
        expect(await store.members('/steps')).toEqual([]);
        expect(await store.members('/steps', record.id)).toEqual([]);
      });

      it('resolves with the connections it removed: id, namespace, rooms and user', async () => {
        // Prepare
        const ada = aConnection({
          ns: '/chat',
          data: { user: { id: 'ada', name: 'Ada' }, theme: 'dark' },
        });
        const anonymous = aConnection({ ns: '/', data: { user: 'not-a-user' } });
        const staying = aConnection({ data: { user: { id: 'bob', name: 'Bob' } } });
        await addAll([ada, anonymous, staying]);
        await store.join(ada, ['lobby', 'news']);

        // Act
        const removed = await removeConnections([ada.id, anonymous.id, 'unknownId0000A=']);

        // Assess
        expect(byId(removed)).toEqual(
          byId([
            { id: ada.id, ns: '/chat', rooms: ['lobby', 'news'], user: { id: 'ada', name: 'Ada' } },
            { id: anonymous.id, ns: '/', rooms: [] },
          ]),
        );
        expect(removed.find((connection) => connection.id === anonymous.id)?.user).toBeUndefined();
      });

      it('resolves with each removed connection once, even when its id is given twice', async () => {
        // Prepare
        const record = aConnection({ rooms: ['lobby'] });
        await store.addConnection(record);

        // Act
        const removed = await removeConnections([record.id, record.id]);

        // Assess
        expect(removed).toEqual([{ id: record.id, ns: '/', rooms: ['lobby'] }]);
      });

      it('resolves with none of the connections that were unknown or already gone', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await removeConnections([record.id]);

        // Act
        const removed = await removeConnections([record.id, 'unknownId0000A=']);

        // Assess
        expect(removed).toEqual([]);
      });

      it('resolves without the connections it kept because of connectedBefore', async () => {
        // Prepare
        const old = aConnection({ ns: '/kept', connectedAt: 1_000, rooms: ['lobby'] });
        const young = aConnection({
          ns: '/kept',
          connectedAt: 2_000,
          data: { user: { id: 'ada', name: 'Ada' } },
        });
        await addAll([old, young]);

        // Act
        const removed = await removeConnections([old.id, young.id], {
          connectedBefore: 2_000,
        });

        // Assess
        expect(removed).toEqual([{ id: old.id, ns: '/kept', rooms: ['lobby'] }]);
      });

      it('is idempotent and ignores unknown ids', async () => {
        // Prepare
        const record = aConnection();
        await store.addConnection(record);
        await removeConnections([record.id]);

        // Act
        const again = removeConnections([record.id, record.id, 'unknownId0000A=']);

        // Assess
        await expect(again).resolves.toEqual([]);
        expect(await store.members('/')).toEqual([]);
      });

      it('keeps the connections that connected at or after connectedBefore', async () => {
        // Prepare
        const old = aConnection({ ns: '/young', connectedAt: 1_000 });
        const young = aConnection({ ns: '/young', connectedAt: 2_000, rooms: ['lobby'] });
        await addAll([old, young]);

        // Act
        await removeConnections([old.id, young.id], { connectedBefore: 2_000 });

        // Assess
        expect(await store.getConnection(old.id)).toBeUndefined();
        expect(await store.getConnection(young.id)).toEqual(young);
        expect(await store.members('/young')).toEqual([young.id]);
        expect(await store.members('/young', 'lobby')).toEqual([young.id]);
      });

      it('resolves for an empty list', async () => {
        // Act
        const removing = removeConnections([]);

        // Assess
        await expect(removing).resolves.toEqual([]);
      });

      it('removes more connections than one batch holds', async () => {
        // Prepare
        const records = Array.from({ length: 110 }, () =>
          aConnection({ ns: '/many', rooms: ['lobby'] }),
        );
        await addAll(records);

        // Act
        await removeConnections(records.map((record) => record.id));

        // Assess
        expect(await store.members('/many')).toEqual([]);
        expect(await store.members('/many', 'lobby')).toEqual([]);
        expect(await store.getConnection(records[109]?.id ?? '')).toBeUndefined();
      });
    });

    describe('Method: saveData', () => {
      it('replaces the data of the connection', async () => {
        // Prepare
        const record = aConnection({ data: { user: 'ada', admin: true } });
        await store.addConnection(record);

        // Act
        await store.saveData(record.id, { user: 'grace', score: 3 });

        // Assess
        expect((await store.getConnection(record.id))?.data).toEqual({ user: 'grace', score: 3 });
      });

      it('does nothing when the connection is gone', async () => {
        // Prepare
        const record = aConnection();

        // Act
        await store.saveData(record.id, { user: 'ada' });

        // Assess
        expect(await store.getConnection(record.id)).toBeUndefined();
      });
    });
  });
}
