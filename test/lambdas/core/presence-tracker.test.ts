import { Adapter } from '../../../lambdas/core/adapter';
import { historySettings } from '../../../lambdas/core/history-settings';
import { InMemoryMembershipStore } from '../../../lambdas/core/in-memory-membership-store';
import { InMemoryMessageLog } from '../../../lambdas/core/in-memory-message-log';
import { InMemoryPoster } from '../../../lambdas/core/in-memory-poster';
import { InMemoryPresenceStore } from '../../../lambdas/core/in-memory-presence-store';
import type { ChatMetrics } from '../../../lambdas/core/ports';
import {
  identityOf,
  PresenceTracker,
  type PresenceTrackerOptions,
} from '../../../lambdas/core/presence-tracker';
import { type RoomFilter, roomFilter } from '../../../lambdas/core/room-filter';
import type { ConnectionRecord, SocketUser } from '../../../lambdas/core/types';
import { connectionId } from '../../support/chat-harness';

const alice: SocketUser = { id: 'alice', name: 'Alice' };
const bob: SocketUser = { id: 'bob', name: 'Bob' };

describe('Class: PresenceTracker', () => {
  let store: InMemoryMembershipStore;
  let poster: InMemoryPoster;
  let presence: InMemoryPresenceStore;
  let adapter: Adapter;
  let logger: { debug: jest.Mock; info: jest.Mock; warn: jest.Mock; error: jest.Mock };
  let metrics: { count: jest.Mock; milliseconds: jest.Mock };
  /** Every room of `/` is tracked but `quiet:` ones; no other namespace is. */
  let filters: Record<string, RoomFilter | undefined>;

  const tracker = (options: Partial<PresenceTrackerOptions> = {}) =>
    new PresenceTracker({
      store: presence,
      adapter,
      filterOf: (ns) => filters[ns],
      logger,
      metrics: metrics as ChatMetrics,
      ...options,
    });

  /** A connection of `ns` stored in `rooms`, as a user or anonymous. */
  const connect = async (rooms: string[], user?: SocketUser, ns = '/') => {
    const record: ConnectionRecord = {
      id: connectionId(),
      ns,
      rooms,
      data: user ? { user } : {},
      connectedAt: Date.now() - 60_000,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    await store.addConnection(record);
    return { id: record.id, ns, user, expiresAt: record.expiresAt };
  };

  const presenceFrames = (id: string) =>
    (poster.framesFor(id) as { event: string }[]).filter((frame) => frame.event === 'presence');

  beforeEach(() => {
    store = new InMemoryMembershipStore();
    poster = new InMemoryPoster();
    presence = new InMemoryPresenceStore();
    adapter = new Adapter({ store, poster });
    logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    metrics = { count: jest.fn(), milliseconds: jest.fn() };
    filters = { '/': roomFilter((room) => !room.startsWith('quiet:')) };
  });

  describe('Method: entered', () => {
    it("announces a user's first connection to the room's other members, not to itself", async () => {
      // Prepare
      const watcher = await connect(['lobby'], bob);
      const outsider = await connect([], { id: 'carol', name: 'Carol' });
      const ann = await connect(['lobby'], alice);

      // Act
      await tracker().entered(ann, ['lobby']);

      // Assess
      expect(poster.framesFor(watcher.id)).toEqual([
        { event: 'presence', data: { action: 'join', user: alice }, ns: '/', room: 'lobby' },
      ]);
      expect(poster.framesFor(ann.id)).toEqual([]);
      expect(poster.framesFor(outsider.id)).toEqual([]);
      expect(await presence.list('/', 'lobby')).toEqual([{ user: alice, connections: 1 }]);
    });

    it("is silent for a user's second connection (another tab), which is counted", async () => {
      // Prepare
      const watcher = await connect(['lobby'], bob);
      const [tab1, tab2] = [await connect(['lobby'], alice), await connect(['lobby'], alice)];
      await tracker().entered(tab1, ['lobby']);
      poster.clearFrames();

      // Act
      await tracker().entered(tab2, ['lobby']);

      // Assess
      expect(poster.postCount).toBe(0);
      expect(presenceFrames(watcher.id)).toEqual([]);
      expect(await presence.list('/', 'lobby')).toEqual([{ user: alice, connections: 2 }]);
    });

    it('announces a connection without a user as itself', async () => {
      // Prepare
      const watcher = await connect(['lobby'], bob);
      const anonymous = await connect(['lobby']);

      // Act
      await tracker().entered(anonymous, ['lobby']);

      // Assess
      expect(presenceFrames(watcher.id)).toEqual([
        {
          event: 'presence',
          data: { action: 'join', user: { id: anonymous.id, name: anonymous.id } },
          ns: '/',
          room: 'lobby',
        },
      ]);
    });

    it('ignores rooms the namespace does not track, and namespaces that track none', async () => {
      // Prepare
      const enter = jest.spyOn(presence, 'enter');
      const watcher = await connect(['quiet:a', 'lobby'], bob);
      const ann = await connect(['quiet:a', 'lobby'], alice);
      const elsewhere = await connect(['lobby'], alice, '/other');

      // Act
      await tracker().entered(ann, ['quiet:a', 'quiet:a', 'lobby', ann.id]);
      await tracker().entered(elsewhere, ['lobby']);

      // Assess
      expect(enter.mock.calls.map((call) => [call[0], call[1]])).toEqual([['/', 'lobby']]);
      expect(presenceFrames(watcher.id)).toEqual([
        expect.objectContaining({ room: 'lobby', data: { action: 'join', user: alice } }),
      ]);
    });

    it('needs no presence store while nothing is tracked, and names the namespace when one is missing', async () => {
      // Prepare
      const ann = await connect(['lobby'], alice);
      const withoutStore = tracker({ store: undefined });

      // Act
      const untracked = withoutStore.entered(ann, ['quiet:a']);
      const tracked = withoutStore.entered(ann, ['lobby']);

      // Assess
      await expect(untracked).resolves.toEqual([]);
      await expect(tracked).rejects.toThrow(
        'Namespace / tracks presence but no presence store is set',
      );
    });

    it('records each entry with the connection’s expiry, or two hours from now without one', async () => {
      // Prepare
      const enter = jest.spyOn(presence, 'enter');
      const ann = await connect(['lobby'], alice);
      const now = Math.floor(Date.now() / 1000);

      // Act
      await tracker().entered(ann, ['lobby']);
      await tracker().entered({ id: connectionId(), ns: '/', user: bob }, ['lobby']);

      // Assess
      expect(enter.mock.calls[0]?.[4]).toBe(ann.expiresAt);
      expect(enter.mock.calls[1]?.[4]).toBeGreaterThanOrEqual(now + 7_200);
      expect(enter.mock.calls[1]?.[4]).toBeLessThanOrEqual(now + 7_201);
    });

    it('counts each announcement as a PresenceEvents metric', async () => {
      // Prepare
      await connect(['lobby', 'dev'], bob);
      const ann = await connect(['lobby', 'dev'], alice);

      // Act
      await tracker().entered(ann, ['lobby', 'dev']);
      await tracker().entered(ann, ['lobby']);

      // Assess
      expect(metrics.count.mock.calls.filter(([name]) => name === 'PresenceEvents')).toEqual([
        ['PresenceEvents'],
        ['PresenceEvents'],
      ]);
    });

    it('keeps announcements out of the history of durable rooms: volatile, never numbered', async () => {
      // Prepare
      const messageLog = new InMemoryMessageLog();
      const append = jest.spyOn(messageLog, 'append');
      adapter = new Adapter({ store, poster, messageLog });
      const watcher = await connect(['lobby'], bob);
      const ann = await connect(['lobby'], alice);

      // Act
      await tracker().entered(ann, ['lobby']);
      await tracker().left(ann, ['lobby'], 'leave');

      // Assess
      expect(append).not.toHaveBeenCalled();
      expect(presenceFrames(watcher.id)).toHaveLength(2);
      for (const frame of presenceFrames(watcher.id)) expect(frame).not.toHaveProperty('seq');
      // What a durable emit would carry, for comparison.
      await adapter.broadcast(
        { event: 'chat', data: 'hi' },
        {
          ns: '/',
          rooms: new Set(['lobby']),
          except: new Set(),
          history: historySettings({}),
        },
      );
      expect(append).toHaveBeenCalledTimes(1);
    });
  });

  describe('Method: left', () => {
    it("announces leave, with the reason, only when the user's last connection goes", async () => {
      // Prepare
      const watcher = await connect(['lobby'], bob);
      const [tab1, tab2] = [await connect(['lobby'], alice), await connect(['lobby'], alice)];
      await tracker().entered(tab1, ['lobby']);
      await tracker().entered(tab2, ['lobby']);
      poster.clearFrames();

      // Act
      await tracker().left(tab1, ['lobby'], 'leave');
      const afterFirst = presenceFrames(watcher.id);
      await tracker().left(tab2, ['lobby'], 'disconnect');

      // Assess
      expect(afterFirst).toEqual([]);
      expect(presenceFrames(watcher.id)).toEqual([
        {
          event: 'presence',
          data: { action: 'leave', user: alice, reason: 'disconnect' },
          ns: '/',
          room: 'lobby',
        },
      ]);
      expect(await presence.list('/', 'lobby')).toEqual([]);
    });

    it('announces nothing for a connection that was never recorded', async () => {
      // Prepare
      const watcher = await connect(['lobby'], bob);
      await tracker().entered(watcher, ['lobby']);
      const stranger = await connect([], alice);

      // Act
      await tracker().left(stranger, ['lobby'], 'leave');

      // Assess
      expect(poster.postCount).toBe(0);
    });

    it('ignores rooms that are not tracked', async () => {
      // Prepare
      const exit = jest.spyOn(presence, 'exit');
      const ann = await connect(['quiet:a'], alice);

      // Act
      await tracker().left(ann, ['quiet:a'], 'leave');

      // Assess
      expect(exit).not.toHaveBeenCalled();
      expect(poster.postCount).toBe(0);
    });
  });

  describe('Method: removed', () => {
    it('announces the departure of each removed connection from each of its tracked rooms', async () => {
      // Prepare
      const watcher = await connect(['lobby', 'dev'], bob);
      const ann = await connect(['lobby', 'dev', 'quiet:a'], alice);
      await tracker().entered(watcher, ['lobby', 'dev']);
      await tracker().entered(ann, ['lobby', 'dev', 'quiet:a']);
      poster.clearFrames();
      const removed = await store.detachConnections([ann.id]);

      // Act
      await tracker().removed(removed, 'gone');

      // Assess
      const leave = { action: 'leave', user: alice, reason: 'gone' };
      expect(presenceFrames(watcher.id)).toEqual(
        expect.arrayContaining([
          { event: 'presence', data: leave, ns: '/', room: 'lobby' },
          { event: 'presence', data: leave, ns: '/', room: 'dev' },
        ]),
      );
      expect(presenceFrames(watcher.id)).toHaveLength(2);
    });

    it('logs and swallows the failure of one connection, and still announces the others', async () => {
      // Prepare
      const watcher = await connect(['lobby'], bob);
      const [failing, fine] = [await connect(['lobby'], alice), await connect(['lobby'])];
      for (const subject of [watcher, failing, fine]) await tracker().entered(subject, ['lobby']);
      poster.clearFrames();
      const exit = presence.exit.bind(presence);
      jest
        .spyOn(presence, 'exit')
        .mockImplementation((ns, room, userId, id) =>
          id === failing.id ? Promise.reject(new Error('throttled')) : exit(ns, room, userId, id),
        );
      const removed = await store.detachConnections([failing.id, fine.id]);

      // Act
      const removing = tracker().removed(removed, 'disconnect');

      // Assess
      await expect(removing).resolves.toBeUndefined();
      expect(presenceFrames(watcher.id)).toEqual([
        {
          event: 'presence',
          data: { action: 'leave', user: identityOf(fine), reason: 'disconnect' },
          ns: '/',
          room: 'lobby',
        },
      ]);
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(logger.error).toHaveBeenCalledWith('Presence update failed', {
        connectionId: failing.id,
        reason: 'disconnect',
        error: 'throttled',
      });
    });

    it('logs a missing presence store instead of throwing', async () => {
      // Prepare
      const ann = await connect(['lobby'], alice);
      const removed = await store.detachConnections([ann.id]);

      // Act
      const removing = tracker({ store: undefined }).removed(removed, 'gone');

      // Assess
      await expect(removing).resolves.toBeUndefined();
      expect(logger.error).toHaveBeenCalledWith(
        'Presence update failed',
        expect.objectContaining({ connectionId: ann.id, reason: 'gone' }),
      );
    });
  });

  describe('Function: identityOf', () => {
    it('is the verified user, or else the connection itself', () => {
      expect(identityOf({ id: 'R1kmxc2VNjMCFIA=', user: alice })).toEqual(alice);
      expect(identityOf({ id: 'R1kmxc2VNjMCFIA=' })).toEqual({
        id: 'R1kmxc2VNjMCFIA=',
        name: 'R1kmxc2VNjMCFIA=',
      });
    });
  });
});
