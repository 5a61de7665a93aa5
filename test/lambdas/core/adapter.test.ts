import { Adapter } from '../../../lambdas/core/adapter';
import { runInConnectScope } from '../../../lambdas/core/connect-scope';
import { InMemoryDelivery } from '../../../lambdas/core/in-memory-delivery';
import { InMemoryMembershipStore } from '../../../lambdas/core/in-memory-membership-store';
import type { DeliveryShard } from '../../../lambdas/core/ports';
import type { ConnectionRecord } from '../../../lambdas/core/types';
import { connectionId } from '../../support/chat-harness';

const record = (
  ns: string,
  rooms: string[] = [],
  connectedAt = Date.now() - 60_000,
): ConnectionRecord => ({
  id: connectionId(),
  ns,
  rooms,
  data: {},
  connectedAt,
  expiresAt: Math.floor(connectedAt / 1000) + 3600,
});

describe('Class: Adapter', () => {
  let store: InMemoryMembershipStore;
  let delivery: InMemoryDelivery;
  let adapter: Adapter;

  beforeEach(() => {
    store = new InMemoryMembershipStore();
    delivery = new InMemoryDelivery();
    adapter = new Adapter({ store, delivery, concurrency: 4 });
  });

  const add = async (...records: ConnectionRecord[]) => {
    for (const r of records) await store.addConnection(r);
    return records.map((r) => r.id);
  };

  describe('Method: broadcast', () => {
    it('reaches the union of the rooms minus the except rooms, within the namespace only', async () => {
      // Prepare
      const [a, b, c, d] = await add(
        record('/', ['x']),
        record('/', ['y']),
        record('/', ['x', 'mute']),
        record('/', []),
      );
      const [other] = await add(record('/other', ['x']));

      // Act
      const report = await adapter.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['x', 'y']), except: new Set(['mute']) },
      );

      // Assess
      expect(report).toEqual({ recipients: 2, delivered: 2, gone: 0, failed: 0, dispatched: 0 });
      expect(delivery.recipients().sort()).toEqual([a, b].sort());
      expect(delivery.framesFor(c as string)).toEqual([]);
      expect(delivery.framesFor(d as string)).toEqual([]);
      expect(delivery.framesFor(other as string)).toEqual([]);
    });

    it('reaches every connection of the namespace when no room is given, each exactly once', async () => {
      // Prepare
      const ids = await add(record('/', ['x', 'y']), record('/', ['x']), record('/'));

      // Act
      await adapter.broadcast(
        { event: 'e', data: null },
        { ns: '/', rooms: new Set(), except: new Set() },
      );

      // Assess
      for (const id of ids)
        expect(delivery.framesFor(id)).toEqual([{ event: 'e', data: null, ns: '/' }]);
      expect(delivery.postCount).toBe(3);
    });

    it('stamps the room it was sent to and the sender, but no room for a connection targeted by id', async () => {
      // Prepare
      const [a, b] = await add(record('/', ['x']), record('/'));

      // Act
      await adapter.broadcast(
        { event: 'chat', data: 'hi', from: b },
        { ns: '/', rooms: new Set(['x']), except: new Set() },
      );
      await adapter.broadcast(
        { event: 'direct', data: 'psst', from: a },
        { ns: '/', rooms: new Set([b as string]), except: new Set() },
      );

      // Assess
      expect(delivery.framesFor(a as string)).toEqual([
        { event: 'chat', data: 'hi', ns: '/', room: 'x', from: b },
      ]);
      expect(delivery.framesFor(b as string)).toEqual([
        { event: 'direct', data: 'psst', ns: '/', from: a },
      ]);
    });

    it('does not read the store to leave out a connection by its own room', async () => {
      // Prepare
      const [a, b] = await add(record('/', ['x']), record('/', ['x']));
      const members = jest.spyOn(store, 'members');

      // Act
      await adapter.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['x']), except: new Set([a as string]) },
      );

      // Assess
      expect(members).toHaveBeenCalledTimes(1);
      expect(members).toHaveBeenCalledWith('/', 'x');
      expect(delivery.recipients()).toEqual([b]);
    });

    it('removes gone connections and keeps delivering to the others', async () => {
      // Prepare
      const [a, b, c] = await add(record('/', ['x']), record('/', ['x']), record('/', ['x']));
      delivery.markGone(b as string);
      delivery.failWith(
        c as string,
        Object.assign(new Error('throttled'), { name: 'LimitExceededException' }),
      );

      // Act
      const report = await adapter.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['x']), except: new Set() },
      );

      // Assess
      expect(report).toEqual({ recipients: 3, delivered: 1, gone: 1, failed: 1, dispatched: 0 });
      expect(delivery.framesFor(a as string)).toHaveLength(1);
      expect(await store.getConnection(b as string)).toBeUndefined();
      expect(await store.members('/', 'x')).not.toContain(b);
      expect(await store.getConnection(c as string)).toBeDefined();
    });

    it('keeps a gone connection whose $connect may still be running', async () => {
      // Prepare
      const young = record('/', ['x'], Date.now());
      await add(young);
      delivery.markGone(young.id);

      // Act
      const report = await adapter.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['x']), except: new Set() },
      );

      // Assess
      expect(report.gone).toBe(1);
      expect(await store.getConnection(young.id)).toBeDefined();
    });

    it('keeps at most `concurrency` posts in flight', async () => {
      // Prepare
      await add(...Array.from({ length: 20 }, () => record('/', ['x'])));
      let inFlight = 0;
      let peak = 0;
      const slow = new Adapter({
        store,
        concurrency: 4,
        delivery: {
          post: async () => {
            inFlight++;
            peak = Math.max(peak, inFlight);
            await new Promise((resolve) => setTimeout(resolve, 5));
            inFlight--;
            return 'delivered';
          },
        },
      });

      // Act
      const report = await slow.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['x']), except: new Set() },
      );

      // Assess
      expect(report.delivered).toBe(20);
      expect(peak).toBe(4);
    });

    it('collects frames for the connection being connected instead of posting them', async () => {
      // Prepare
      const [a, b] = await add(record('/'), record('/'));

      // Act
      const { frames } = await runInConnectScope(b as string, () =>
        adapter.broadcast(
          { event: 'hello', data: 1 },
          { ns: '/', rooms: new Set(), except: new Set() },
        ),
      );

      // Assess
      expect(frames).toEqual(['{"event":"hello","data":1,"ns":"/"}']);
      expect(delivery.framesFor(a as string)).toHaveLength(1);
      expect(delivery.framesFor(b as string)).toEqual([]);
    });
  });

  describe('Method: fetchSocketIds', () => {
    it('lists the audience without posting', async () => {
      // Prepare
      const [a, b] = await add(record('/', ['x']), record('/', ['x']));

      // Act
      const ids = await adapter.fetchSocketIds({
        ns: '/',
        rooms: new Set(['x']),
        except: new Set([b as string]),
      });

      // Assess
      expect(ids).toEqual([a]);
      expect(delivery.postCount).toBe(0);
    });
  });

  describe('Sharding large broadcasts', () => {
    /** A dispatcher that records shards and runs them on a worker adapter, as the deliver function would. */
    const recordingDispatcher = (worker: () => Adapter) => {
      const shards: DeliveryShard[] = [];
      const running: Promise<unknown>[] = [];
      return {
        shards,
        done: () => Promise.all(running),
        dispatch: async (shard: DeliveryShard) => {
          shards.push(shard);
          running.push(worker().deliverShard(shard));
        },
      };
    };
    const roomOf = async (size: number, room = 'big') =>
      add(...Array.from({ length: size }, () => record('/', [room])));

    it('posts everything itself at or below the shard size', async () => {
      // Prepare
      await roomOf(5);
      const dispatcher = recordingDispatcher(() => adapter);
      const sharded = new Adapter({ store, delivery, concurrency: 4, dispatcher, shardSize: 5 });

      // Act
      const report = await sharded.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['big']), except: new Set() },
      );

      // Assess
      expect(dispatcher.shards).toEqual([]);
      expect(report).toEqual({ recipients: 5, delivered: 5, gone: 0, failed: 0, dispatched: 0 });
      expect(delivery.postCount).toBe(5);
    });

    it('above the shard size, posts the first shard and dispatches the others: every recipient exactly once', async () => {
      // Prepare
      const ids = await roomOf(10);
      const dispatcher = recordingDispatcher(() => adapter);
      const sharded = new Adapter({ store, delivery, concurrency: 2, dispatcher, shardSize: 3 });

      // Act
      const report = await sharded.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['big']), except: new Set() },
      );
      await dispatcher.done();

      // Assess
      expect(report).toEqual({ recipients: 10, delivered: 3, gone: 0, failed: 0, dispatched: 7 });
      expect(
        dispatcher.shards.map((shard) => shard.groups.flatMap((g) => g.connectionIds).length),
      ).toEqual([3, 3, 1]);
      const frame = delivery.rawFramesFor(ids[0] as string)[0];
      expect(dispatcher.shards.flatMap((shard) => shard.groups.map((g) => g.frame))).toEqual([
        frame,
        frame,
        frame,
      ]);
      expect(delivery.postCount).toBe(10);
      for (const id of ids) expect(delivery.framesFor(id)).toHaveLength(1);
    });

    it("keeps each recipient's room frame when rooms are combined", async () => {
      // Prepare
      const inA = await roomOf(3, 'a');
      const inB = await roomOf(3, 'b');
      const dispatcher = recordingDispatcher(() => adapter);
      const sharded = new Adapter({ store, delivery, dispatcher, shardSize: 2 });

      // Act
      await sharded.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['a', 'b']), except: new Set() },
      );
      await dispatcher.done();

      // Assess
      for (const id of inA)
        expect(delivery.rawFramesFor(id)).toEqual([expect.stringContaining('"room":"a"')]);
      for (const id of inB)
        expect(delivery.rawFramesFor(id)).toEqual([expect.stringContaining('"room":"b"')]);
    });

    it('counts the recipients of a shard that cannot be dispatched as failed', async () => {
      // Prepare
      await roomOf(5);
      const dispatcher = { dispatch: jest.fn().mockRejectedValue(new Error('throttled')) };
      const sharded = new Adapter({ store, delivery, dispatcher, shardSize: 2 });

      // Act
      const report = await sharded.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['big']), except: new Set() },
      );

      // Assess
      expect(dispatcher.dispatch).toHaveBeenCalledTimes(2);
      expect(report).toEqual({ recipients: 5, delivered: 2, gone: 0, failed: 3, dispatched: 0 });
    });

    it('collects the frame of the connection being connected instead of dispatching it', async () => {
      // Prepare
      const ids = await roomOf(4);
      const me = ids[3] as string;
      const dispatcher = recordingDispatcher(() => adapter);
      const sharded = new Adapter({ store, delivery, dispatcher, shardSize: 1 });

      // Act
      const { result: report, frames } = await runInConnectScope(me, () =>
        sharded.broadcast(
          { event: 'e', data: 1 },
          { ns: '/', rooms: new Set(['big']), except: new Set() },
        ),
      );
      await dispatcher.done();

      // Assess
      expect(frames).toHaveLength(1);
      expect(delivery.framesFor(me)).toEqual([]);
      expect(report).toEqual({ recipients: 4, delivered: 2, gone: 0, failed: 0, dispatched: 2 });
      expect(delivery.postCount).toBe(3);
    });
  });

  describe('Method: deliverShard', () => {
    it('posts every recipient once and removes the gone ones', async () => {
      // Prepare
      const [a, b, c] = await add(record('/', ['x']), record('/', ['x']), record('/', ['x']));
      delivery.markGone(b as string);

      // Act
      const report = await adapter.deliverShard({
        groups: [
          { frame: 'f1', connectionIds: [a as string, b as string] },
          { frame: 'f2', connectionIds: [c as string] },
        ],
      });

      // Assess
      expect(report).toEqual({ recipients: 3, delivered: 2, gone: 1, failed: 0, dispatched: 0 });
      expect(delivery.framesFor(a as string)).toEqual(['f1']);
      expect(delivery.framesFor(c as string)).toEqual(['f2']);
      expect(await store.getConnection(b as string)).toBeUndefined();
      expect(await store.members('/', 'x')).toEqual(expect.not.arrayContaining([b]));
    });
  });
});
