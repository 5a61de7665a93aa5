import { ChatSocket } from '../../client/chat-socket';
import type { EventMeta } from '../../client/events';
import type { ConnectOptions } from '../../client/options';
import { MAX_HISTORY_FAILURES } from '../../client/room-recovery';
import { ManualClock } from './manual-clock';
import { MemoryGateway, settle } from './memory-gateway';

/** A socket on an in-memory gateway and a manual clock, with what its listeners saw. */
interface Harness {
  readonly gateway: MemoryGateway;
  readonly clock: ManualClock;
  readonly socket: ChatSocket;
  /** `seq:data` per chat event (` (recovered)` when from history), `gap room from-to` per gap. */
  readonly log: string[];
  readonly metas: EventMeta[];
}

/** Connects a socket (reconnecting 100 ms after a drop) and waits until it is connected. */
async function start(options: ConnectOptions = {}): Promise<Harness> {
  const gateway = new MemoryGateway();
  const clock = new ManualClock();
  const socket = new ChatSocket('ws://memory.test/local', {
    WebSocket: gateway.WebSocket,
    timers: clock,
    reconnection: { initialDelayMs: 100, jitter: 0 },
    ...options,
  });
  const log: string[] = [];
  const metas: EventMeta[] = [];
  socket.on('chat', (data, meta) => {
    log.push(`${meta.seq ?? '-'}:${String(data)}${meta.recovered ? ' (recovered)' : ''}`);
    metas.push(meta);
  });
  socket.on('gap', ({ room, from, to }) => log.push(`gap ${room} ${from}-${to}`));
  socket.connect();
  await settle();
  return { gateway, clock, socket, log, metas };
}

/** `start`, then joins `lobby`. */
async function startInLobby(options: ConnectOptions = {}): Promise<Harness> {
  const h = await start(options);
  await h.socket.join('lobby');
  return h;
}

/** Moves the clock forward and lets what it started complete. */
async function elapse({ clock }: Harness, ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

/** Publishes one message per item of `data` to `lobby`; returns their frames. */
function publish({ gateway }: Harness, data: readonly string[]): Record<string, unknown>[] {
  return data.map((item) => gateway.publish('lobby', item));
}

/** Publishes a, b and c to `lobby` and delivers a and c live: seq 2 is missing. */
function deliverAroundGap(h: Harness): void {
  const [a, , c] = publish(h, ['a', 'b', 'c']);
  h.gateway.deliver(h.gateway.last, a ?? {}, c ?? {});
}

/** Holds `history` replies, opens the gap at seq 2 and lets its timer send the fetch. */
function fetchGapHeld(h: Harness): void {
  h.gateway.held.add('history');
  deliverAroundGap(h);
  h.clock.advance(1_000);
}

/** Delivers `a` live, drops the connection, then publishes `missed` while it is down. */
function dropAfterA({ gateway }: Harness, missed: readonly string[]): void {
  gateway.deliver(gateway.last, gateway.publish('lobby', 'a'));
  gateway.last.drop();
  for (const data of missed) gateway.publish('lobby', data);
}

/** Drops the connection and lets the reconnection complete (the first attempt is 100 ms later). */
async function reconnect({ gateway, clock }: Harness, backoffMs = 100): Promise<void> {
  gateway.last.drop();
  clock.advance(backoffMs);
  await settle();
}

/** The `since` of each history request the client sent on the latest connection. */
function historySinces({ gateway }: Harness): unknown[] {
  return gateway.last.sentFor('history').map((frame) => (frame.data as { since?: number }).since);
}

describe('Durable rooms: ordered delivery and recovery', () => {
  describe('Live events', () => {
    it('delivers events in seq order with seq, sender and user in the meta', async () => {
      // Prepare
      const h = await startInLobby();
      const frames = [h.gateway.publish('lobby', 'a'), h.gateway.publish('lobby', 'b')];

      // Act
      h.gateway.deliver(h.gateway.last, ...frames);

      // Assess
      expect(h.log).toEqual(['1:a', '2:b']);
      expect(h.metas[0]).toEqual({
        ns: '/',
        room: 'lobby',
        seq: 1,
        from: 'conn-other',
        user: { id: 'conn-other', name: 'CONN-OTHER' },
      });
      expect(h.socket.lastSeq('lobby')).toBe(2);
    });

    it('reorders events that arrive out of order without waiting for the gap timer', async () => {
      // Prepare
      const h = await startInLobby();
      const [a, b, c] = publish(h, ['a', 'b', 'c']);

      // Act
      h.gateway.deliver(h.gateway.last, c ?? {}, a ?? {});
      const early = [...h.log];
      h.gateway.deliver(h.gateway.last, b ?? {});
      await elapse(h, 10_000);

      // Assess
      expect(early).toEqual(['1:a']);
      expect(h.log).toEqual(['1:a', '2:b', '3:c']);
      expect(historySinces(h)).toEqual([]);
    });

    it('drops a seq delivered twice, and one at or below the cursor', async () => {
      // Prepare
      const h = await startInLobby();
      const [a, b, c] = publish(h, ['a', 'b', 'c']);

      // Act
      h.gateway.deliver(h.gateway.last, a ?? {}, c ?? {}, c ?? {}, b ?? {}, a ?? {}, b ?? {});

      // Assess
      expect(h.log).toEqual(['1:a', '2:b', '3:c']);
    });

    it('delivers events without seq untouched, and seq events of rooms the socket did not join()', async () => {
      // Prepare
      const h = await startInLobby();
      const presence: unknown[] = [];
      h.socket.on('presence', (data, meta) => presence.push([data, meta]));
      const other = [h.gateway.publish('elsewhere', 'y'), h.gateway.publish('elsewhere', 'x')];

      // Act
      h.gateway.deliver(
        h.gateway.last,
        { event: 'chat', data: 'no seq', ns: '/', room: 'lobby' },
        {
          event: 'presence',
          data: { action: 'join', user: { id: 'bo', name: 'Bo' } },
          ns: '/',
          room: 'lobby',
        },
        ...other.reverse(),
      );

      // Assess
      expect(h.log).toEqual(['-:no seq', '2:x', '1:y']);
      expect(presence).toEqual([
        [
          { action: 'join', user: { id: 'bo', name: 'Bo' } },
          { ns: '/', room: 'lobby' },
        ],
      ]);
      expect(h.socket.lastSeq('elsewhere')).toBeUndefined();
    });
  });

  describe('Initial join', () => {
    it('holds events that arrive before the join ack, then drops those up to the head', async () => {
      // Prepare
      const h = await start();
      const frames = publish(h, ['a', 'b', 'c', 'd', 'e']);
      h.gateway.held.add('join');
      const joining = h.socket.join('lobby');
      await settle();

      // Act
      h.gateway.deliver(h.gateway.last, frames[4] ?? {}, frames[2] ?? {}, frames[3] ?? {});
      const beforeAck = [...h.log];
      const [request] = h.gateway.waiting('join');
      if (request) h.gateway.release(request, { data: { room: 'lobby', members: 2, seq: 3 } });
      const reply = await joining;

      // Assess
      expect(beforeAck).toEqual([]);
      expect(reply).toEqual({ room: 'lobby', members: 2, seq: 3 });
      expect(h.log).toEqual(['4:d', '5:e']);
      expect(h.gateway.last.sentFor('join').map((frame) => frame.data)).toEqual([
        { room: 'lobby' },
      ]);
      expect(h.socket.lastSeq('lobby')).toBe(5);
    });

    it('keeps no cursor for a room that is not durable (a join ack without seq)', async () => {
      // Prepare
      const h = await start();
      h.gateway.volatileRooms.add('tmp');
      const [one, two] = [h.gateway.publish('tmp', 'a'), h.gateway.publish('tmp', 'b')];

      // Act
      await h.socket.join('tmp');
      h.gateway.deliver(h.gateway.last, two ?? {}, one ?? {});

      // Assess
      expect(h.log).toEqual(['2:b', '1:a']);
      expect(h.socket.lastSeq('tmp')).toBeUndefined();
    });

    it('forgets the room of a refused first join', async () => {
      // Prepare
      const h = await start();
      h.gateway.failures.set('join', ['FORBIDDEN']);

      // Act
      const result = h.socket.join('private:ops');

      // Assess
      await expect(result).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(h.socket.lastSeq('private:ops')).toBeUndefined();
      expect(h.socket.rooms.size).toBe(0);
    });

    it('resumes from initialSeqs: the first join asks for what came after the saved cursor', async () => {
      // Prepare
      const gatewayRoom = ['a', 'b', 'c', 'd', 'e'];
      const h = await start({ initialSeqs: { lobby: 3, bad: -1 } });
      for (const data of gatewayRoom) h.gateway.publish('lobby', data);
      const before = [h.socket.lastSeq('lobby'), h.socket.lastSeq('bad')];

      // Act
      const reply = await h.socket.join('lobby');

      // Assess
      expect(before).toEqual([3, undefined]);
      expect(h.gateway.last.sentFor('join')[0]?.data).toEqual({ room: 'lobby', since: 3 });
      expect(reply.seq).toBe(5);
      expect(h.log).toEqual(['4:d (recovered)', '5:e (recovered)']);
      expect(h.metas[0]).toEqual({
        ns: '/',
        room: 'lobby',
        seq: 4,
        from: 'conn-other',
        user: { id: 'conn-other', name: 'CONN-OTHER' },
        at: 1_700_000_000_004,
        recovered: true,
      });
    });

    it('starts over from the head when it is below the saved cursor (the room was reset)', async () => {
      // Prepare
      const h = await start({ initialSeqs: { lobby: 500 } });
      h.gateway.publish('lobby', 'old');
      await h.socket.join('lobby');

      // Act
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'new'));

      // Assess
      expect(h.log).toEqual(['2:new']);
      expect(h.socket.lastSeq('lobby')).toBe(2);
    });
  });

  describe('Gaps', () => {
    it('fetches the missing seqs from history once a gap stays open for gapWaitMs', async () => {
      // Prepare
      const h = await startInLobby();
      deliverAroundGap(h);

      // Act
      h.clock.advance(999);
      const early = historySinces(h);
      await elapse(h, 1);

      // Assess
      expect(early).toEqual([]);
      expect(historySinces(h)).toEqual([1]);
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c']);
      expect(h.socket.lastSeq('lobby')).toBe(3);
    });

    it('does not fetch when the gap closes before the timer fires, and honours gapWaitMs', async () => {
      // Prepare
      const h = await startInLobby({ recovery: { gapWaitMs: 250 } });
      const [a, b, c, , e] = publish(h, ['a', 'b', 'c', 'd', 'e']);
      h.gateway.deliver(h.gateway.last, a ?? {}, c ?? {});

      // Act
      h.clock.advance(249);
      h.gateway.deliver(h.gateway.last, b ?? {}, e ?? {});
      h.clock.advance(249);
      const beforeSecondTimer = historySinces(h);
      await elapse(h, 1);

      // Assess
      expect(beforeSecondTimer).toEqual([]);
      expect(historySinces(h)).toEqual([3]);
      expect(h.log).toEqual(['1:a', '2:b', '3:c', '4:d (recovered)', '5:e']);
    });

    it('reports trimmed seqs with a gap event and goes on with the held events', async () => {
      // Prepare
      const h = await startInLobby();
      const [a, , , d] = publish(h, ['a', 'b', 'c', 'd']);
      h.gateway.room('lobby').trim(3);
      h.gateway.deliver(h.gateway.last, a ?? {}, d ?? {});

      // Act
      await elapse(h, 1_000);

      // Assess
      expect(h.log).toEqual(['1:a', 'gap lobby 2-3', '4:d']);
      expect(h.socket.lastSeq('lobby')).toBe(4);
    });

    it('gives up a seq the history does not have although it was missing when the timer started', async () => {
      // Prepare
      const h = await startInLobby();
      const [a, , c] = publish(h, ['a', 'b', 'c']);
      h.gateway.room('lobby').lose(2, { reported: false });
      h.gateway.deliver(h.gateway.last, a ?? {}, c ?? {});

      // Act
      await elapse(h, 1_000);
      await elapse(h, 10_000);

      // Assess
      expect(h.log).toEqual(['1:a', 'gap lobby 2-2', '3:c']);
      expect(historySinces(h)).toEqual([1]);
    });

    it('waits for a seq that only went missing after the timer started (still being written)', async () => {
      // Prepare
      const h = await startInLobby();
      const [a, , c, d, e] = publish(h, ['a', 'b', 'c', 'd', 'e']);
      h.gateway.deliver(h.gateway.last, a ?? {}, c ?? {});
      h.clock.advance(999);
      h.gateway.room('lobby').lose(4, { reported: false });
      h.gateway.deliver(h.gateway.last, e ?? {});

      // Act
      await elapse(h, 1);
      const afterFetch = [...h.log];
      h.gateway.deliver(h.gateway.last, d ?? {});

      // Assess
      expect(afterFetch).toEqual(['1:a', '2:b (recovered)', '3:c']);
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c', '4:d', '5:e']);
    });

    it('retries a failed history fetch at the next gap timer', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.failures.set('history', ['INTERNAL']);
      deliverAroundGap(h);

      // Act
      await elapse(h, 1_000);
      const afterFailure = [...h.log];
      await elapse(h, 1_000);

      // Assess
      expect(afterFailure).toEqual(['1:a']);
      expect(historySinces(h)).toEqual([1, 1]);
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c']);
    });

    it(`gives up the gap after ${MAX_HISTORY_FAILURES} failed fetches in a row`, async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.failures.set('history', Array(MAX_HISTORY_FAILURES).fill('RATE_LIMITED'));
      deliverAroundGap(h);

      // Act
      for (let attempt = 0; attempt < MAX_HISTORY_FAILURES + 2; attempt++) {
        await elapse(h, 1_000);
      }

      // Assess
      expect(historySinces(h)).toHaveLength(MAX_HISTORY_FAILURES);
      expect(h.log).toEqual(['1:a', 'gap lobby 2-2', '3:c']);
    });

    it('gives up at once when the server refuses the history (FORBIDDEN)', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.failures.set('history', ['FORBIDDEN']);
      deliverAroundGap(h);

      // Act
      await elapse(h, 1_000);

      // Assess
      expect(historySinces(h)).toEqual([1]);
      expect(h.log).toEqual(['1:a', 'gap lobby 2-2', '3:c']);
    });

    it('retries when the history ack does not come within the ack timeout', async () => {
      // Prepare
      const h = await startInLobby({ ackTimeout: 5_000 });
      h.gateway.held.add('history');
      deliverAroundGap(h);

      // Act
      h.clock.advance(1_000);
      await elapse(h, 5_000);
      h.gateway.held.delete('history');
      await elapse(h, 1_000);

      // Assess
      expect(historySinces(h)).toEqual([1, 1]);
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c']);
    });

    it('follows next from page to page', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.pageSize = 2;
      const frames = publish(h, ['a', 'b', 'c', 'd', 'e', 'f']);
      h.gateway.deliver(h.gateway.last, frames[0] ?? {}, frames[5] ?? {});

      // Act
      await elapse(h, 1_000);

      // Assess
      expect(historySinces(h)).toEqual([1, 3, 5]);
      expect(h.log).toEqual([
        '1:a',
        '2:b (recovered)',
        '3:c (recovered)',
        '4:d (recovered)',
        '5:e (recovered)',
        '6:f',
      ]);
    });

    it('runs one fetch per room at a time and holds what arrives meanwhile', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.held.add('history');
      const frames = publish(h, ['a', 'b', 'c', 'd', 'e']);
      h.gateway.deliver(h.gateway.last, frames[0] ?? {}, frames[2] ?? {});
      h.clock.advance(1_000);

      // Act
      h.gateway.deliver(h.gateway.last, frames[4] ?? {});
      h.clock.advance(3_000);
      const whileFetching = [...h.log];
      const [request, ...others] = h.gateway.waiting('history');
      if (request) h.gateway.release(request);
      await settle();

      // Assess
      expect(others).toEqual([]);
      expect(whileFetching).toEqual(['1:a']);
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c', '4:d (recovered)', '5:e']);
    });

    it('stops delivering when a listener leaves the room in the middle of a flush', async () => {
      // Prepare
      const h = await startInLobby();
      const frames = publish(h, ['a', 'b', 'c']);
      h.socket.on('chat', (data) => {
        if (data === 'a') void h.socket.leave('lobby');
      });

      // Act
      h.gateway.deliver(h.gateway.last, frames[2] ?? {}, frames[1] ?? {}, frames[0] ?? {});
      await elapse(h, 1_000);

      // Assess
      expect(h.log).toEqual(['1:a']);
      expect(h.socket.lastSeq('lobby')).toBeUndefined();
      expect(historySinces(h)).toEqual([]);
    });
  });

  describe('Gaps: edge cases', () => {
    it('gives up the gap when the history reply is malformed', async () => {
      // Prepare
      const h = await startInLobby();
      fetchGapHeld(h);
      const [request] = h.gateway.waiting('history');

      // Act
      if (request) h.gateway.release(request, { data: { room: 'lobby', head: 3 } });
      await settle();

      // Assess
      expect(h.log).toEqual(['1:a', 'gap lobby 2-2', '3:c']);
    });

    it('applies the history of a second join while a fetch runs, without a second fetch', async () => {
      // Prepare
      const h = await startInLobby();
      fetchGapHeld(h);

      // Act
      const reply = await h.socket.join('lobby');
      const [request] = h.gateway.waiting('history');
      if (request) h.gateway.release(request);
      await settle();

      // Assess
      expect(h.gateway.last.sentFor('join')[1]?.data).toEqual({ room: 'lobby', since: 1 });
      expect(reply.history?.messages.map((message) => message.seq)).toEqual([2, 3]);
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c']);
      expect(historySinces(h)).toEqual([1]);
    });

    it('does not fetch while closed, even when the join ack is handled after close()', async () => {
      // Prepare
      const h = await start();
      const frames = publish(h, ['a', 'b', 'c', 'd', 'e']);
      h.gateway.held.add('join');
      const joining = h.socket.join('lobby');
      await settle();
      const ack = h.gateway.waiting('join')[0]?.frame.ack;
      h.gateway.deliver(h.gateway.last, frames[4] ?? {});
      h.socket.on('error', () => h.socket.close());

      // Act
      h.gateway.deliver(
        h.gateway.last,
        { ack, data: { room: 'lobby', members: 1, seq: 3 } },
        { event: 'error', data: { code: 'INTERNAL', message: 'closing' }, ns: '/' },
      );
      await joining;
      await elapse(h, 1_000);
      const pendingTimers = h.clock.pending;
      h.gateway.held.delete('join');
      h.socket.connect();
      await settle();

      // Assess
      expect(pendingTimers).toEqual([]);
      expect(h.gateway.sockets.map((socket) => socket.sentFor('history').length)).toEqual([0, 0]);
      expect(h.gateway.last.sentFor('join')[0]?.data).toEqual({ room: 'lobby', since: 3 });
      expect(h.log).toEqual(['4:d (recovered)', '5:e']);
    });
  });

  describe('Own messages', () => {
    it('marks the seq of an acked own message seen: no gap opens and nothing is delivered', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'a'));

      // Act
      const ack = await h.socket.emitWithAck('chat', { room: 'lobby', message: 'mine' });
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'c'));
      await elapse(h, 10_000);

      // Assess
      expect(ack).toEqual({ recipients: 1, room: 'lobby', seq: 2 });
      expect(h.log).toEqual(['1:a', '3:c']);
      expect(h.socket.lastSeq('lobby')).toBe(3);
      expect(historySinces(h)).toEqual([]);
    });

    it('passes an own seq acked while an earlier seq is still missing', async () => {
      // Prepare
      const h = await startInLobby();
      const a = h.gateway.publish('lobby', 'a');
      await h.socket.emitWithAck('chat', { room: 'lobby', message: 'mine' });
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'c'));

      // Act
      h.gateway.deliver(h.gateway.last, a);

      // Assess
      expect(h.log).toEqual(['1:a', '3:c']);
      expect(h.socket.lastSeq('lobby')).toBe(3);
    });

    it("does not take a join ack's seq (the head) for an own message", async () => {
      // Prepare
      const h = await start({ initialSeqs: { lobby: 1 } });
      publish(h, ['a', 'b', 'c']);
      h.gateway.pageSize = 1;

      // Act
      await h.socket.join('lobby');
      await settle();

      // Assess
      expect(h.log).toEqual(['2:b (recovered)', '3:c (recovered)']);
    });

    it('does not deliver an own message that comes back from history after its ack was lost', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'a'));
      h.gateway.held.add('chat');
      const sent = h.socket.emitWithAck(
        'chat',
        { room: 'lobby', message: 'mine' },
        { timeout: 500 },
      );
      h.gateway.room('lobby').store('chat', 'mine', h.gateway.last.id);
      h.clock.advance(500);
      await expect(sent).rejects.toMatchObject({ code: 'TIMEOUT' });

      // Act
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'c'));
      await elapse(h, 1_000);

      // Assess
      expect(historySinces(h)).toEqual([1]);
      expect(h.log).toEqual(['1:a', '3:c']);
      expect(h.socket.lastSeq('lobby')).toBe(3);
    });
  });

  describe('Reconnection', () => {
    it('re-joins with since and delivers the missed messages before live ones held meanwhile', async () => {
      // Prepare
      const h = await startInLobby();
      dropAfterA(h, ['b', 'c']);
      h.gateway.held.add('join');
      await elapse(h, 100);

      // Act
      const d = h.gateway.publish('lobby', 'd');
      h.gateway.deliver(h.gateway.last, d);
      const beforeAck = [...h.log];
      const [request] = h.gateway.waiting('join');
      if (request) h.gateway.release(request);
      await settle();
      h.gateway.deliver(h.gateway.last, d, h.gateway.publish('lobby', 'e'));

      // Assess
      expect(request?.frame.data).toEqual({ room: 'lobby', since: 1 });
      expect(beforeAck).toEqual(['1:a']);
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c (recovered)', '4:d', '5:e']);
      expect(h.socket.connected).toBe(true);
    });

    it('fetches the further pages of the join history', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.pageSize = 2;
      dropAfterA(h, ['b', 'c', 'd', 'e', 'f']);

      // Act
      await elapse(h, 100);

      // Assess
      expect(historySinces(h)).toEqual([3, 5]);
      expect(h.log).toEqual([
        '1:a',
        '2:b (recovered)',
        '3:c (recovered)',
        '4:d (recovered)',
        '5:e (recovered)',
        '6:f (recovered)',
      ]);
    });

    it('gives up trimmed messages reported by the join history at once', async () => {
      // Prepare
      const h = await startInLobby();
      dropAfterA(h, ['b', 'c', 'd']);
      h.gateway.room('lobby').trim(2);

      // Act
      await elapse(h, 100);

      // Assess
      expect(h.log).toEqual(['1:a', 'gap lobby 2-2', '3:c (recovered)', '4:d (recovered)']);
    });

    it('delivers each page as it comes, past the trimmed seqs, before fetching the next', async () => {
      // Prepare
      const h = await startInLobby();
      dropAfterA(h, ['b', 'c', 'd', 'e', 'f']);
      h.gateway.room('lobby').trim(2);
      h.gateway.pageSize = 2;
      h.gateway.held.add('history');

      // Act
      await elapse(h, 100);
      const firstPage = [...h.log];
      const [request] = h.gateway.waiting('history');
      if (request) h.gateway.release(request);
      await settle();

      // Assess
      expect(firstPage).toEqual(['1:a', 'gap lobby 2-2', '3:c (recovered)', '4:d (recovered)']);
      expect(request?.frame.data).toEqual({ room: 'lobby', since: 4 });
      expect(h.log).toEqual([...firstPage, '5:e (recovered)', '6:f (recovered)']);
    });

    it('fetches at the gap timer what a re-join ack without history reports missed', async () => {
      // Prepare
      const h = await startInLobby();
      dropAfterA(h, ['b', 'c']);
      h.gateway.held.add('join');
      await elapse(h, 100);
      const [request] = h.gateway.waiting('join');

      // Act
      if (request) h.gateway.release(request, { data: { room: 'lobby', members: 1, seq: 3 } });
      await settle();
      const afterAck = [...h.log];
      await elapse(h, 1_000);

      // Assess
      expect(afterAck).toEqual(['1:a']);
      expect(historySinces(h)).toEqual([1]);
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c (recovered)']);
    });

    it('ignores a fetch cut by a drop and catches up with the re-join', async () => {
      // Prepare
      const h = await startInLobby();
      fetchGapHeld(h);
      const [cut] = h.gateway.waiting('history');
      h.gateway.held.delete('history');

      // Act
      await reconnect(h);
      if (cut) h.gateway.release(cut);
      await elapse(h, 10_000);

      // Assess
      expect(h.gateway.last.sentFor('join')[0]?.data).toEqual({ room: 'lobby', since: 1 });
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c']);
      expect(historySinces(h)).toEqual([]);
    });

    it('keeps the cursor when a re-join is cut by another drop, and recovers on the next one', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'a'));
      h.gateway.held.add('join');
      await reconnect(h);
      h.gateway.publish('lobby', 'b');

      // Act
      h.gateway.held.delete('join');
      await reconnect(h, 200); // the second attempt in a row: the socket never got to connect

      // Assess
      expect(h.gateway.sockets).toHaveLength(3);
      expect([...h.socket.rooms]).toEqual(['lobby']);
      expect(h.gateway.last.sentFor('join')[0]?.data).toEqual({ room: 'lobby', since: 1 });
      expect(h.log).toEqual(['1:a', '2:b (recovered)']);
    });

    it('keeps the cursor but fetches nothing after a transient re-join failure', async () => {
      // Prepare
      const h = await start();
      const rejoinErrors: string[] = [];
      h.socket.on('rejoin_error', (room, error) => rejoinErrors.push(`${room} ${error.code}`));
      await h.socket.join('lobby');
      const [a, , c] = publish(h, ['a', 'b', 'c']);
      h.gateway.deliver(h.gateway.last, a ?? {});
      h.gateway.failures.set('join', ['INTERNAL']);
      await reconnect(h);

      // Act
      h.gateway.deliver(h.gateway.last, c ?? {});
      await elapse(h, 10_000);
      const afterFailure = [...h.log];
      await reconnect(h);

      // Assess
      expect(rejoinErrors).toEqual(['lobby INTERNAL']);
      expect(afterFailure).toEqual(['1:a']);
      expect(h.gateway.sockets.map((socket) => socket.sentFor('history').length)).toEqual([
        0, 0, 0,
      ]);
      expect(h.gateway.last.sentFor('join')[0]?.data).toEqual({ room: 'lobby', since: 1 });
      expect(h.log).toEqual(['1:a', '2:b (recovered)', '3:c']);
    });

    it('forgets the cursor of a room whose re-join is refused', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'a'));
      h.gateway.failures.set('join', ['FORBIDDEN']);

      // Act
      await reconnect(h);

      // Assess
      expect(h.socket.rooms.size).toBe(0);
      expect(h.socket.lastSeq('lobby')).toBeUndefined();
    });

    it('keeps cursors across close() and connect(), so the re-join recovers', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'a'));
      h.socket.close();
      h.gateway.publish('lobby', 'b');

      // Act
      h.socket.connect();
      await settle();

      // Assess
      expect(h.socket.lastSeq('lobby')).toBe(2);
      expect(h.gateway.last.sentFor('join')[0]?.data).toEqual({ room: 'lobby', since: 1 });
      expect(h.log).toEqual(['1:a', '2:b (recovered)']);
    });

    it('forgets the cursor of a room left: joining it again starts from the head', async () => {
      // Prepare
      const h = await startInLobby();
      h.gateway.deliver(h.gateway.last, h.gateway.publish('lobby', 'a'));

      // Act
      await h.socket.leave('lobby');
      const afterLeave = h.socket.lastSeq('lobby');
      h.gateway.publish('lobby', 'b');
      await h.socket.join('lobby');

      // Assess
      expect(afterLeave).toBeUndefined();
      expect(h.gateway.last.sentFor('join').map((frame) => frame.data)).toEqual([
        { room: 'lobby' },
        { room: 'lobby' },
      ]);
      expect(h.socket.lastSeq('lobby')).toBe(2);
      expect(h.log).toEqual(['1:a']);
    });
  });

  describe('Recovery disabled', () => {
    it('delivers events as they arrive, sends no since and fetches no history', async () => {
      // Prepare
      const h = await startInLobby({ recovery: { enabled: false }, initialSeqs: { lobby: 0 } });
      const [a, b] = publish(h, ['a', 'b']);
      await h.socket.emitWithAck('chat', { room: 'lobby', message: 'mine' });

      // Act
      h.gateway.deliver(h.gateway.last, b ?? {}, a ?? {}, b ?? {}, h.gateway.publish('lobby', 'd'));
      h.clock.advance(10_000);
      await reconnect(h);

      // Assess
      expect(h.log).toEqual(['2:b', '1:a', '2:b', '4:d']);
      expect(h.metas[0]).toEqual(expect.objectContaining({ seq: 2 }));
      expect(h.socket.lastSeq('lobby')).toBeUndefined();
      expect(h.gateway.sockets.map((socket) => socket.sentFor('join')[0]?.data)).toEqual([
        { room: 'lobby' },
        { room: 'lobby' },
      ]);
      expect(h.gateway.sockets.flatMap((socket) => socket.sentFor('history'))).toEqual([]);
    });
  });

  describe('Method: history', () => {
    it('asks for one page and resolves with it, without calling listeners or moving the cursor', async () => {
      // Prepare
      const h = await startInLobby();
      publish(h, ['a', 'b', 'c']);

      // Act
      const page = await h.socket.history('lobby', { since: 1, limit: 1 });

      // Assess
      expect(h.gateway.last.sentFor('history')[0]?.data).toEqual({
        room: 'lobby',
        since: 1,
        limit: 1,
      });
      expect(page).toEqual({
        room: 'lobby',
        messages: [expect.objectContaining({ seq: 2, event: 'chat', data: 'b' })],
        head: 3,
        next: 2,
        trimmed: false,
      });
      expect(h.log).toEqual([]);
      expect(h.socket.lastSeq('lobby')).toBe(0);
    });

    it('sends only the room when no since or limit is given', async () => {
      // Prepare
      const h = await start();

      // Act
      await h.socket.history('lobby');

      // Assess
      expect(h.gateway.last.sentFor('history')[0]?.data).toEqual({ room: 'lobby' });
    });
  });
});
