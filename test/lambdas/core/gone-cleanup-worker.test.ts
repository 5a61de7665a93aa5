import { Adapter } from '../../../lambdas/core/adapter';
import { GoneCleanupWorker } from '../../../lambdas/core/gone-cleanup-worker';
import { InMemoryMembershipStore } from '../../../lambdas/core/in-memory-membership-store';
import { InMemoryPoster } from '../../../lambdas/core/in-memory-poster';
import { InMemoryPresenceStore } from '../../../lambdas/core/in-memory-presence-store';
import type { GoneCleanup } from '../../../lambdas/core/ports';
import type { ConnectionRecord } from '../../../lambdas/core/types';
import { connectionId } from '../../support/chat-harness';

const HOUR_AGO = Date.now() - 3_600_000;

const record = (rooms: string[], connectedAt = HOUR_AGO): ConnectionRecord => ({
  id: connectionId(),
  ns: '/',
  rooms,
  data: {},
  connectedAt,
  expiresAt: Math.floor(Date.now() / 1000) + 3_600,
});

describe('Class: GoneCleanupWorker', () => {
  let store: InMemoryMembershipStore;
  let presence: InMemoryPresenceStore;
  let poster: InMemoryPoster;
  let adapter: Adapter;
  let logger: { debug: jest.Mock; info: jest.Mock; warn: jest.Mock; error: jest.Mock };
  let handedOn: GoneCleanup[];
  const continuation = {
    dispatch: async (cleanup: GoneCleanup) => {
      handedOn.push(cleanup);
    },
  };
  const plenty = { remainingMs: () => 60_000, continuation };

  beforeEach(() => {
    store = new InMemoryMembershipStore();
    presence = new InMemoryPresenceStore();
    poster = new InMemoryPoster();
    adapter = new Adapter({ store, poster, presence, presenceFilterOf: () => () => true });
    logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    handedOn = [];
  });

  /** Stores connections and has them enter their rooms' presence, as joins would. */
  const add = async (...records: ConnectionRecord[]) => {
    for (const stored of records) {
      await store.addConnection({ ...stored, rooms: [] });
      await adapter.addAll({ record: { ...stored, rooms: [] } }, stored.rooms);
    }
    return records.map((stored) => stored.id);
  };

  it('detaches the connections, deletes every membership and presence entry, and counts them', async () => {
    // Prepare
    const [gone, alsoGone, staying] = await add(
      record(['a', 'b']),
      record(['b']),
      record(['a', 'b']),
    );
    const metrics = { count: jest.fn(), milliseconds: jest.fn() };
    const worker = new GoneCleanupWorker({ adapter, logger, metrics });

    // Act
    await worker.run({ connectionIds: [gone, alsoGone] as string[] }, plenty);

    // Assess
    expect(await store.members('/', 'a')).toEqual([staying]);
    expect(await store.members('/', 'b')).toEqual([staying]);
    expect(await store.members('/')).toEqual([staying]);
    expect((await presence.list('/', 'b')).map((member) => member.user.id)).toEqual([staying]);
    expect(metrics.count).toHaveBeenCalledWith('GoneCleanups', 2);
    expect(handedOn).toEqual([]);
  });

  it('keeps connections younger than connectedBefore', async () => {
    // Prepare
    const [young] = await add(record(['a'], Date.now()));
    const worker = new GoneCleanupWorker({ adapter, logger });

    // Act
    await worker.run(
      { connectionIds: [young as string], connectedBefore: Date.now() - 30_000 },
      plenty,
    );

    // Assess
    expect(await store.members('/', 'a')).toEqual([young]);
  });

  it('hands on the connections it has not started when time runs short, and the hand-on finishes them', async () => {
    // Prepare
    const ids = await add(record(['a']), record(['a']), record(['a']), record(['a']));
    const worker = new GoneCleanupWorker({ adapter, logger, concurrency: 1, reserveMs: 1_000 });
    let budget = 3;
    // Time for two removals: each check of the remaining time spends one unit.
    const shortly = { remainingMs: () => (budget-- > 1 ? 5_000 : 500), continuation };

    // Act
    await worker.run({ connectionIds: ids }, shortly);

    // Assess
    expect(handedOn).toHaveLength(1);
    const checkpoint = handedOn[0] as GoneCleanup;
    expect(checkpoint.connectionIds).toBeUndefined();
    expect(checkpoint.detached?.map((connection) => connection.id)).toEqual(ids.slice(2));
    expect(await store.members('/', 'a')).toEqual(ids.slice(2).sort());
    for (const id of ids) expect(await store.getConnection(id)).toBeUndefined();
    await worker.run(checkpoint, plenty);
    expect(await store.members('/', 'a')).toEqual([]);
    expect(await presence.list('/', 'a')).toEqual([]);
  });

  it('is idempotent: a checkpoint run twice announces each departure once', async () => {
    // Prepare
    const [watcher] = await add(record(['a']));
    const [gone] = await add(record(['a']));
    const detached = await adapter.detach([gone as string]);
    const worker = new GoneCleanupWorker({ adapter, logger });
    poster.clearFrames();

    // Act
    await worker.run({ detached }, plenty);
    await worker.run({ detached }, plenty);
    await worker.run({ connectionIds: [gone as string] }, plenty);

    // Assess
    expect(poster.framesFor(watcher as string)).toHaveLength(1);
    expect(await store.members('/', 'a')).toEqual([watcher]);
  });

  it('logs a failure, finishes the other connections and never throws', async () => {
    // Prepare
    const [failing, fine] = await add(record(['a']), record(['a']));
    const removeMemberships = store.removeMemberships.bind(store);
    jest
      .spyOn(store, 'removeMemberships')
      .mockImplementation((connections) =>
        connections.some((connection) => connection.id === failing)
          ? Promise.reject(new Error('throttled'))
          : removeMemberships(connections),
      );
    const worker = new GoneCleanupWorker({ adapter, logger });

    // Act
    const running = worker.run({ connectionIds: [failing, fine] as string[] }, plenty);

    // Assess
    await expect(running).resolves.toBeUndefined();
    expect(await store.members('/', 'a')).toEqual([failing]);
    expect(logger.error).toHaveBeenCalledWith('Clean-up of a gone connection failed', {
      connectionId: failing,
      error: 'throttled',
    });
  });

  it('logs a hand-on that fails instead of throwing', async () => {
    // Prepare
    const ids = await add(record(['a']), record(['a']));
    const worker = new GoneCleanupWorker({ adapter, logger, reserveMs: 1_000 });
    const failing = {
      remainingMs: () => 0,
      continuation: { dispatch: () => Promise.reject(new Error('invoke denied')) },
    };

    // Act
    const running = worker.run({ connectionIds: ids }, failing);

    // Assess
    await expect(running).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith('Hand-on of a gone clean-up failed', {
      left: 2,
      error: 'invoke denied',
    });
  });
});
