import { Adapter } from '../../../lambdas/core/adapter';
import { BroadcastOperator } from '../../../lambdas/core/broadcast-operator';
import { runInConnectScope } from '../../../lambdas/core/connect-scope';
import { historySettings } from '../../../lambdas/core/history-settings';
import { InMemoryMembershipStore } from '../../../lambdas/core/in-memory-membership-store';
import { InMemoryMessageLog } from '../../../lambdas/core/in-memory-message-log';
import { InMemoryPoster } from '../../../lambdas/core/in-memory-poster';
import { InMemoryPresenceStore } from '../../../lambdas/core/in-memory-presence-store';
import type { BroadcastShard } from '../../../lambdas/core/ports';
import { roomFilter } from '../../../lambdas/core/room-filter';
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
  let poster: InMemoryPoster;
  let adapter: Adapter;

  beforeEach(() => {
    store = new InMemoryMembershipStore();
    poster = new InMemoryPoster();
    adapter = new Adapter({ store, poster, concurrency: 4 });
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
      expect(poster.recipients().sort()).toEqual([a, b].sort());
      expect(poster.framesFor(c as string)).toEqual([]);
      expect(poster.framesFor(d as string)).toEqual([]);
      expect(poster.framesFor(other as string)).toEqual([]);
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
        expect(poster.framesFor(id)).toEqual([{ event: 'e', data: null, ns: '/' }]);
      expect(poster.postCount).toBe(3);
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
      expect(poster.framesFor(a as string)).toEqual([
        { event: 'chat', data: 'hi', ns: '/', room: 'x', from: b },
      ]);
      expect(poster.framesFor(b as string)).toEqual([
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
      expect(poster.recipients()).toEqual([b]);
    });

    it('removes gone connections and keeps delivering to the others', async () => {
      // Prepare
      const [a, b, c] = await add(record('/', ['x']), record('/', ['x']), record('/', ['x']));
      poster.markGone(b as string);
      poster.failWith(
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
      expect(poster.framesFor(a as string)).toHaveLength(1);
      expect(await store.getConnection(b as string)).toBeUndefined();
      expect(await store.members('/', 'x')).not.toContain(b);
      expect(await store.getConnection(c as string)).toBeDefined();
    });

    it('keeps a gone connection whose $connect may still be running', async () => {
      // Prepare
      const young = record('/', ['x'], Date.now());
      await add(young);
      poster.markGone(young.id);

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
        poster: {
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
      expect(poster.framesFor(a as string)).toHaveLength(1);
      expect(poster.framesFor(b as string)).toEqual([]);
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
      expect(poster.postCount).toBe(0);
    });
  });

  describe('Sharding large broadcasts', () => {
    /** A dispatcher that records shards and runs them on a worker adapter, as the worker function would. */
    const recordingDispatcher = (worker: () => Adapter) => {
      const shards: BroadcastShard[] = [];
      const running: Promise<unknown>[] = [];
      return {
        shards,
        done: () => Promise.all(running),
        dispatch: async (shard: BroadcastShard) => {
          shards.push(shard);
          running.push(worker().postShard(shard));
        },
      };
    };
    const roomOf = async (size: number, room = 'big') =>
      add(...Array.from({ length: size }, () => record('/', [room])));

    it('posts everything itself at or below the shard size', async () => {
      // Prepare
      await roomOf(5);
      const dispatcher = recordingDispatcher(() => adapter);
      const sharded = new Adapter({ store, poster, concurrency: 4, dispatcher, shardSize: 5 });

      // Act
      const report = await sharded.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['big']), except: new Set() },
      );

      // Assess
      expect(dispatcher.shards).toEqual([]);
      expect(report).toEqual({ recipients: 5, delivered: 5, gone: 0, failed: 0, dispatched: 0 });
      expect(poster.postCount).toBe(5);
    });

    it('above the shard size, posts the first shard and dispatches the others: every recipient exactly once', async () => {
      // Prepare
      const ids = await roomOf(10);
      const dispatcher = recordingDispatcher(() => adapter);
      const sharded = new Adapter({ store, poster, concurrency: 2, dispatcher, shardSize: 3 });

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
      const frame = poster.rawFramesFor(ids[0] as string)[0];
      expect(dispatcher.shards.flatMap((shard) => shard.groups.map((g) => g.frame))).toEqual([
        frame,
        frame,
        frame,
      ]);
      expect(poster.postCount).toBe(10);
      for (const id of ids) expect(poster.framesFor(id)).toHaveLength(1);
    });

    it("keeps each recipient's room frame when rooms are combined", async () => {
      // Prepare
      const inA = await roomOf(3, 'a');
      const inB = await roomOf(3, 'b');
      const dispatcher = recordingDispatcher(() => adapter);
      const sharded = new Adapter({ store, poster, dispatcher, shardSize: 2 });

      // Act
      await sharded.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['a', 'b']), except: new Set() },
      );
      await dispatcher.done();

      // Assess
      for (const id of inA)
        expect(poster.rawFramesFor(id)).toEqual([expect.stringContaining('"room":"a"')]);
      for (const id of inB)
        expect(poster.rawFramesFor(id)).toEqual([expect.stringContaining('"room":"b"')]);
    });

    it('counts the recipients of a shard that cannot be dispatched as failed', async () => {
      // Prepare
      await roomOf(5);
      const dispatcher = { dispatch: jest.fn().mockRejectedValue(new Error('throttled')) };
      const sharded = new Adapter({ store, poster, dispatcher, shardSize: 2 });

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
      const sharded = new Adapter({ store, poster, dispatcher, shardSize: 1 });

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
      expect(poster.framesFor(me)).toEqual([]);
      expect(report).toEqual({ recipients: 4, delivered: 2, gone: 0, failed: 0, dispatched: 2 });
      expect(poster.postCount).toBe(3);
    });
  });

  describe('Sharding to Socket.IO clients', () => {
    it("posts a namespace socket's frame to its connection, and the worker that finds the connection gone removes the socket", async () => {
      // Prepare: two Socket.IO sockets (each on a connection of its own) and a JSON client.
      const sockets = [record('/', ['big']), record('/', ['big'])].map((r, index) => ({
        ...r,
        protocol: 'socket.io' as const,
        connection: `C0000000000000${index}=`,
      }));
      const [json] = await add(record('/', ['big']));
      for (const socket of sockets) await store.addConnection(socket);
      poster.markGone('C00000000000001=');
      const shards: BroadcastShard[] = [];
      const running: Promise<unknown>[] = [];
      const sharded = new Adapter({
        store,
        poster,
        shardSize: 1,
        dispatcher: {
          dispatch: async (shard) => {
            shards.push(shard);
            running.push(adapter.postShard(JSON.parse(JSON.stringify(shard))));
          },
        },
      });

      // Act
      await sharded.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['big']), except: new Set([json as string]) },
      );
      await Promise.all(running);

      // Assess
      expect(shards.flatMap((shard) => shard.groups)).toEqual([
        {
          frame: '42["e",1]',
          connectionIds: ['C00000000000001='],
          socketIds: [sockets[1]?.id],
        },
      ]);
      expect(poster.rawFramesFor('C00000000000000=')).toEqual(['42["e",1]']);
      expect(await store.getConnection(sockets[0]?.id as string)).toBeDefined();
      expect(await store.getConnection(sockets[1]?.id as string)).toBeUndefined();
      expect(await store.members('/', 'big')).toEqual(expect.not.arrayContaining([sockets[1]?.id]));
    });
  });

  describe('Method: postShard', () => {
    it('posts every recipient once and removes the gone ones', async () => {
      // Prepare
      const [a, b, c] = await add(record('/', ['x']), record('/', ['x']), record('/', ['x']));
      poster.markGone(b as string);

      // Act
      const report = await adapter.postShard({
        groups: [
          { frame: 'f1', connectionIds: [a as string, b as string] },
          { frame: 'f2', connectionIds: [c as string] },
        ],
      });

      // Assess
      expect(report).toEqual({ recipients: 3, delivered: 2, gone: 1, failed: 0, dispatched: 0 });
      expect(poster.framesFor(a as string)).toEqual(['f1']);
      expect(poster.framesFor(c as string)).toEqual(['f2']);
      expect(await store.getConnection(b as string)).toBeUndefined();
      expect(await store.members('/', 'x')).toEqual(expect.not.arrayContaining([b]));
    });
  });
  describe('Durable rooms', () => {
    let messageLog: InMemoryMessageLog;
    let durable: Adapter;
    /** Every room keeps history but `scratch`. */
    const history = historySettings({ rooms: (room) => room !== 'scratch' });
    const to = (rooms: string[], except: string[] = []) => ({
      ns: '/',
      rooms: new Set(rooms),
      except: new Set(except),
      history,
    });

    beforeEach(() => {
      messageLog = new InMemoryMessageLog();
      durable = new Adapter({ store, poster, messageLog });
    });

    it('stores the message in every durable target room before it reads who the members are', async () => {
      // Prepare
      await add(record('/', ['lobby', 'dev']), record('/', ['dev']));
      const calls: string[] = [];
      const append = messageLog.append.bind(messageLog);
      jest.spyOn(messageLog, 'append').mockImplementation(async (ns, room, message, expiresAt) => {
        calls.push(`append ${room}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        const stored = await append(ns, room, message, expiresAt);
        calls.push(`appended ${room}`);
        return stored;
      });
      const members = store.members.bind(store);
      jest.spyOn(store, 'members').mockImplementation(async (ns, room) => {
        calls.push(`members ${room}`);
        return members(ns, room);
      });

      // Act
      await durable.broadcast({ event: 'chat', data: 'hi' }, to(['lobby', 'dev']));

      // Assess
      expect(calls.slice(0, 4).sort()).toEqual([
        'append dev',
        'append lobby',
        'appended dev',
        'appended lobby',
      ]);
      expect(calls.slice(4).sort()).toEqual(['members dev', 'members lobby']);
    });

    it('appends once per durable target room: none for other rooms, connections or the namespace', async () => {
      // Prepare
      const [a] = await add(record('/', ['lobby', 'dev', 'scratch']));
      const append = jest.spyOn(messageLog, 'append');
      const operator = new BroadcastOperator(durable, { ns: '/', history });

      // Act
      const reports = {
        rooms: await durable.broadcast(
          { event: 'chat', data: 1 },
          to(['lobby', 'dev', 'scratch', a as string]),
        ),
        excepted: await durable.broadcast({ event: 'chat', data: 2 }, to(['dev'], ['lobby'])),
        scratch: await durable.broadcast({ event: 'chat', data: 3 }, to(['scratch'])),
        connection: await durable.broadcast({ event: 'direct', data: 4 }, to([a as string])),
        namespace: await durable.broadcast({ event: 'all', data: 5 }, to([])),
        volatile: await operator.to(['lobby', 'dev']).volatile.emit('typing', true),
        sent: await durable.send({ event: 'self', data: 6 }, '/', [{ id: a as string }]),
      };

      // Assess
      expect(append.mock.calls.map((call) => [call[1], call[2].data])).toEqual([
        ['lobby', 1],
        ['dev', 1],
        ['dev', 2],
      ]);
      expect(Object.values(reports).map((report) => report.seqs)).toEqual([
        { lobby: 1, dev: 1 },
        { dev: 2 },
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    });

    it("gives each recipient the seq of the room it was reached through, and reports every room's seq", async () => {
      // Prepare
      const [inLobby, inDev, inBoth, sender] = await add(
        record('/', ['lobby']),
        record('/', ['dev']),
        record('/', ['lobby', 'dev']),
        record('/', ['lobby', 'dev']),
      );
      for (const data of ['one', 'two'])
        await durable.broadcast({ event: 'chat', data }, to(['lobby']));
      poster.clearFrames();
      const user = { id: 'ann', name: 'Ann' };

      // Act
      const report = await durable.broadcast(
        { event: 'chat', data: 'three', from: sender, user },
        to(['lobby', 'dev'], [sender as string]),
      );

      // Assess
      expect(report).toEqual({
        recipients: 3,
        delivered: 3,
        gone: 0,
        failed: 0,
        dispatched: 0,
        seqs: { lobby: 3, dev: 1 },
      });
      // One emit stored in two durable rooms: one id, in both rooms' frames and histories.
      const id = (JSON.parse(poster.rawFramesFor(inLobby as string)[0] ?? '{}') as { id: string })
        .id;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const frame = (room: string, seq: number) =>
        `{"event":"chat","data":"three","ns":"/","id":"${id}","room":"${room}","seq":${seq},"from":"${sender}","user":{"id":"ann","name":"Ann"}}`;
      expect(poster.rawFramesFor(inLobby as string)).toEqual([frame('lobby', 3)]);
      expect(poster.rawFramesFor(inDev as string)).toEqual([frame('dev', 1)]);
      expect(poster.rawFramesFor(inBoth as string)).toEqual([frame('lobby', 3)]);
      expect(poster.rawFramesFor(sender as string)).toEqual([]);
      const stored = async (room: string) =>
        (await messageLog.read('/', room, { limit: 10, maxLength: 100, maxBytes: 96_000 }))
          .messages;
      expect((await stored('lobby')).map((message) => message.id)).toEqual([
        undefined,
        undefined,
        id,
      ]);
      expect((await stored('dev')).map((message) => message.id)).toEqual([id]);
    });

    it('stores the event, its data (null when none), the sender with its user, and the time', async () => {
      // Prepare
      const append = jest.spyOn(messageLog, 'append');
      const before = Date.now();

      // Act
      await durable.broadcast(
        { event: 'chat', data: undefined, from: 'A00000000000001=', user: { id: 'a', name: 'A' } },
        to(['lobby']),
      );
      await durable.broadcast(
        { event: 'hello', data: 'hi', user: { id: 'a', name: 'A' } },
        to(['lobby']),
      );

      // Assess
      const [first, second] = append.mock.calls;
      expect(first?.[2]).toEqual({
        event: 'chat',
        data: null,
        from: 'A00000000000001=',
        user: { id: 'a', name: 'A' },
        at: expect.any(Number),
      });
      expect(second?.[2]).toEqual({ event: 'hello', data: 'hi', at: expect.any(Number) });
      expect(first?.[2].at).toBeGreaterThanOrEqual(before);
      expect(first?.[3]).toBe(Math.floor((first?.[2].at ?? 0) / 1000) + 86_400);
    });

    it('carries the seq in the frames of dispatched shards', async () => {
      // Prepare
      const ids = await add(...Array.from({ length: 3 }, () => record('/', ['lobby'])));
      const shards: BroadcastShard[] = [];
      const sharded = new Adapter({
        store,
        poster,
        messageLog,
        shardSize: 1,
        dispatcher: { dispatch: async (shard) => void shards.push(shard) },
      });

      // Act
      await sharded.broadcast({ event: 'chat', data: 1 }, to(['lobby']));

      // Assess
      const frame = '{"event":"chat","data":1,"ns":"/","room":"lobby","seq":1}';
      expect(poster.rawFramesFor(ids[0] as string)).toEqual([frame]);
      expect(shards.flatMap((shard) => shard.groups.map((group) => group.frame))).toEqual([
        frame,
        frame,
      ]);
    });

    it('throws a clear error, and posts nothing, when a durable room has no messageLog', async () => {
      // Prepare
      const [a] = await add(record('/', ['lobby']));
      const withoutLog = new Adapter({ store, poster });

      // Act
      const emitting = withoutLog.broadcast({ event: 'chat', data: 1 }, to(['lobby']));
      const namespaceWide = withoutLog.broadcast({ event: 'all', data: 2 }, to([]));

      // Assess
      await expect(emitting).rejects.toThrow('Namespace / keeps history but no messageLog is set');
      await expect(namespaceWide).resolves.toMatchObject({ delivered: 1 });
      expect(poster.framesFor(a as string)).toEqual([{ event: 'all', data: 2, ns: '/' }]);
    });

    it('posts nothing when the message cannot be stored', async () => {
      // Prepare
      await add(record('/', ['lobby']));
      jest.spyOn(messageLog, 'append').mockRejectedValue(new Error('throttled'));

      // Act
      const emitting = durable.broadcast({ event: 'chat', data: 1 }, to(['lobby']));

      // Assess
      await expect(emitting).rejects.toThrow('throttled');
      expect(poster.postCount).toBe(0);
    });
  });

  describe('Method: removeGone', () => {
    it('removes the gone connections and announces their departure to presence, with their rooms and user', async () => {
      // Prepare
      const ann = { id: 'ann', name: 'Ann' };
      const yan = { id: 'yan', name: 'Yan' };
      const gone = { ...record('/', ['lobby']), data: { user: ann } };
      const young = { ...record('/', ['lobby'], Date.now()), data: { user: yan } };
      const [, , watcher] = await add(gone, young, record('/', ['lobby']));
      const presence = new InMemoryPresenceStore();
      await presence.enter('/', 'lobby', ann, gone.id, gone.expiresAt);
      await presence.enter('/', 'lobby', yan, young.id, young.expiresAt);
      poster.markGone(gone.id);
      poster.markGone(young.id);
      const watched = new Adapter({
        store,
        poster,
        presence,
        presenceFilterOf: () => roomFilter(undefined),
      });

      // Act
      await watched.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['lobby']), except: new Set() },
      );

      // Assess
      expect(await store.getConnection(gone.id)).toBeUndefined();
      expect(await store.getConnection(young.id)).toBeDefined();
      expect(await presence.list('/', 'lobby')).toEqual([{ user: yan, connections: 1 }]);
      expect(poster.framesFor(watcher as string)).toContainEqual({
        event: 'presence',
        data: { action: 'leave', user: ann, reason: 'gone' },
        ns: '/',
        room: 'lobby',
      });
    });

    it('logs a failed clean-up instead of failing the emit', async () => {
      // Prepare
      const [a, b] = await add(record('/', ['lobby']), record('/', ['lobby']));
      poster.markGone(b as string);
      const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
      jest.spyOn(store, 'detachConnections').mockRejectedValue(new Error('throttled'));
      const watched = new Adapter({ store, poster, logger });

      // Act
      const report = await watched.broadcast(
        { event: 'e', data: 1 },
        { ns: '/', rooms: new Set(['lobby']), except: new Set() },
      );

      // Assess
      expect(report).toMatchObject({ delivered: 1, gone: 1 });
      expect(poster.framesFor(a as string)).toHaveLength(1);
      expect(logger.error).toHaveBeenCalledWith('Clean-up of gone connections failed', {
        count: 1,
        error: 'throttled',
      });
    });
  });
});
