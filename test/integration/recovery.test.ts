import { createServer } from 'node:net';
import {
  ChatClientError,
  type ChatSocket,
  connect,
  NodeWebSocket,
  type RoomGap,
  type RootClientEvents,
  type RootServerEvents,
  type StoredMessage,
  type WebSocketConstructor,
} from '../../client/node';
import { silentLogger } from '../../local/gateway';
import type { PostFaultInjector } from '../../local/gateway/post-faults';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { signedFetch } from '../support/signed-fetch';

jest.setTimeout(60_000);

type RootSocket = ChatSocket<RootServerEvents, RootClientEvents>;

const ROOM = 'race';
const SENDERS = 4;
/** Messages each sender posts in each phase: 50 each, 200 in all (then one more, `end`). */
const PHASES = { live: 15, cut: 15, away: 10, back: 5, after: 5 } as const;
type Phase = keyof typeof PHASES;
/** Gap wait of the listeners: short, so a gap is filled quickly from history. */
const GAP_WAIT_MS = 200;
/** Share of the listeners' posts the gateway throttles (429): the server retries them later. */
const THROTTLED_SHARE = 0.35;

/**
 * The gateway's `@connections` faults for this test: posts to `dropped` connections fail with
 * 500 on every attempt (the server gives them up after its retries: the message is lost for
 * that connection), and a share of the posts to `throttled` ones fail with 429 (the server
 * retries after a random backoff, so they arrive late, out of order). Seeded: the same faults
 * each run, whatever the interleaving.
 */
class PostFaults {
  readonly dropped = new Set<string>();
  readonly throttled = new Set<string>();
  throttles = 0;
  drops = 0;
  private seed = 0x2545f491;

  readonly injector: PostFaultInjector = (connectionId) => {
    if (this.dropped.has(connectionId)) {
      this.drops++;
      return 500;
    }
    if (this.throttled.has(connectionId) && this.random() < THROTTLED_SHARE) {
      this.throttles++;
      return 429;
    }
    return undefined;
  };

  /** xorshift32, in [0, 1). */
  private random(): number {
    this.seed ^= this.seed << 13;
    this.seed ^= this.seed >>> 17;
    this.seed ^= this.seed << 5;
    return (this.seed >>> 0) / 2 ** 32;
  }
}

/**
 * What one client's socket sent and received, frame by frame, and its network: while
 * `online` is false its connection attempts go to a closed port and fail at once.
 */
class Wire {
  online = true;
  readonly sent: Array<{ action: string; data?: unknown }> = [];
  /** Seqs of the room events that reached the socket, in arrival order. */
  readonly arrived: number[] = [];

  constructor(private readonly deadUrl: string) {}

  /** A `WebSocket` class for `connect`'s options that records on this wire. */
  webSocket(): WebSocketConstructor {
    const wire = this;
    return class WiredWebSocket extends NodeWebSocket {
      constructor(url: string) {
        super(wire.online ? url : wire.deadUrl);
        const send = this.send.bind(this);
        this.send = ((data: string) => {
          wire.sent.push(JSON.parse(data));
          send(data);
        }) as typeof this.send;
        this.on('message', (raw) => {
          const frame = JSON.parse(String(raw)) as { event?: unknown; seq?: unknown };
          if (frame.event === 'chat' && typeof frame.seq === 'number') wire.arrived.push(frame.seq);
        });
      }
    };
  }

  /** `history` requests the socket sent: the client filling a gap. */
  get historyRequests(): number {
    return this.sent.filter((frame) => frame.action === 'history').length;
  }

  /** `join`s sent with `since`: re-joins that asked for what was missed. */
  get resumingJoins(): number {
    return this.sent.filter(
      (frame) => frame.action === 'join' && (frame.data as { since?: unknown }).since !== undefined,
    ).length;
  }
}

/** The chat messages a socket's listeners got, in delivery order. */
class Received {
  readonly messages: Array<{ seq: number; text: string; recovered: boolean }> = [];
  readonly gaps: RoomGap[] = [];
  private waiting: { seq: number; resolve: () => void } | undefined;

  constructor(socket: RootSocket) {
    socket.on('chat', (data, meta) => {
      this.messages.push({ seq: meta.seq ?? -1, text: String(data), recovered: !!meta.recovered });
      if (this.waiting && meta.seq === this.waiting.seq) this.waiting.resolve();
    });
    socket.on('gap', (gap) => this.gaps.push(gap));
  }

  /** Resolves once the message numbered `seq` was delivered. */
  until(seq: number, timeoutMs = 30_000): Promise<void> {
    if (this.messages.some((message) => message.seq === seq)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`seq ${seq} never came; got ${this.messages.length} messages`)),
        timeoutMs,
      );
      this.waiting = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  get seqs(): number[] {
    return this.messages.map((message) => message.seq);
  }
}

/** A port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function once(socket: RootSocket, event: 'connect' | 'disconnect' | 'reconnect'): Promise<void> {
  return new Promise((resolve) => socket.once(event, () => resolve()));
}

/** How many seqs arrived while a lower one was still missing: the client had to hold them. */
function arrivedAhead(arrived: readonly number[], from: number): number {
  const seen = new Set<number>();
  let next = from;
  let ahead = 0;
  for (const seq of arrived) {
    seen.add(seq);
    if (seq > next) ahead++;
    while (seen.has(next)) next++;
  }
  return ahead;
}

describe('Local runtime: recovery of a durable room with the client SDK', () => {
  const faults = new PostFaults();
  const sockets: RootSocket[] = [];
  let runtime: LocalRuntime;
  let deadUrl: string;

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'anonymous' },
      gateway: { logger: silentLogger, postFaults: faults.injector },
    });
    deadUrl = `ws://127.0.0.1:${await closedPort()}/local`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await runtime?.close();
  });

  const open = (wire?: Wire): RootSocket => {
    const socket = connect<RootServerEvents, RootClientEvents>(runtime.gateway.url, {
      recovery: { gapWaitMs: GAP_WAIT_MS },
      // A post's ack waits for its fan-out, retries of faulty posts included: slow on a busy CI.
      ackTimeout: 30_000,
      reconnection: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0 },
      ...(wire ? { WebSocket: wire.webSocket() } : {}),
    });
    sockets.push(socket);
    return socket;
  };

  /** Posts `text` and resolves with its seq; a RATE_LIMITED post (dropped unseen) is sent again. */
  const say = async (sender: RootSocket, text: string): Promise<number> => {
    for (;;) {
      try {
        const { seq } = await sender.emitWithAck('chat', { room: ROOM, message: text });
        if (seq === undefined) throw new Error(`no seq in the ack of ${text}`);
        return seq;
      } catch (error) {
        if (!(error instanceof ChatClientError) || error.code !== 'RATE_LIMITED') throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  };

  it('gives a listener cut mid-stream, and one whose posts are delayed and dropped, the whole history once, in order', async () => {
    // Prepare: two listeners, then four senders, in one room
    const cutWire = new Wire(deadUrl);
    const steadyWire = new Wire(deadUrl);
    const cut = open(cutWire);
    const steady = open(steadyWire);
    const senders = Array.from({ length: SENDERS }, () => open());
    const cutLog = new Received(cut);
    const steadyLog = new Received(steady);
    const senderLogs = senders.map((sender) => new Received(sender));
    await Promise.all([cut, steady].map((listener) => listener.join(ROOM)));
    await Promise.all(senders.map((sender) => sender.join(ROOM)));
    const cutId = cut.id as string;
    const steadyId = steady.id as string;
    faults.throttled.add(cutId).add(steadyId);
    cut.on('connect', () => faults.throttled.add(cut.id as string));
    const own = new Map<RootSocket, number[]>(senders.map((sender) => [sender, []]));
    /** Every sender posts its texts of `phase` at once; `onAck` sees each ack. */
    const blast = (phase: Phase, onAck: () => void = () => {}): Promise<unknown> =>
      Promise.all(
        senders.flatMap((sender, s) =>
          Array.from({ length: PHASES[phase] }, async (_, i) => {
            const seq = await say(sender, `s${s} ${phase} ${i}`);
            own.get(sender)?.push(seq);
            onAck();
          }),
        ),
      );

    // Act: live traffic, with a third of the listeners' posts throttled and retried
    await blast('live');
    // The cut, mid-stream: at the first ack of this phase the server drops the listener's
    // connection, and its network stays down.
    let cutDone: Promise<unknown> = Promise.resolve();
    await blast('cut', () => {
      if (!cutWire.online) return;
      cutWire.online = false;
      const disconnected = once(cut, 'disconnect');
      const url = `${runtime.gateway.managementUrl}/@connections/${encodeURIComponent(cutId)}`;
      cutDone = Promise.all([signedFetch(url, { method: 'DELETE' }), disconnected]);
    });
    const [deleted] = (await cutDone) as [Response];
    // While the cut listener is away, every post to the steady one fails: a hole it must fill.
    faults.dropped.add(steadyId);
    await blast('away');
    faults.dropped.delete(steadyId);
    // The network comes back while the senders keep going.
    cutWire.online = true;
    await Promise.all([blast('back'), once(cut, 'reconnect')]);
    await blast('after');
    // The last message has no later one to reveal its loss, and a post throttled on all four
    // attempts is given up (0.35⁴, 1.5 % per post): it goes unthrottled. Any loss before it
    // shows as a gap once it arrives, and must be filled.
    faults.throttled.clear();
    const end = await say(senders[0] as RootSocket, 'end');
    own.get(senders[0] as RootSocket)?.push(end);
    await Promise.all([cutLog, steadyLog, ...senderLogs.slice(1)].map((log) => log.until(end)));
    const gapFills = steadyWire.historyRequests; // before this test's own history reads below
    const history: StoredMessage[] = [];
    for (let since: number | undefined = 0; since !== undefined; ) {
      const page = await steady.history(ROOM, { since, limit: 100 });
      history.push(...page.messages);
      since = page.next;
    }

    // Assess: the room has 1..N, each message once
    const total = SENDERS * Object.values(PHASES).reduce((sum, n) => sum + n, 0) + 1;
    const all = Array.from({ length: total }, (_, index) => index + 1);
    const acked = [...own.values()].flat();
    expect(deleted.status).toBe(204);
    expect(end).toBe(total);
    expect([...acked].sort((a, b) => a - b)).toEqual(all);
    expect(history.map((message) => message.seq)).toEqual(all);
    const texts = history.map((message) => String(message.data));
    expect(new Set(texts).size).toBe(total);

    // Assess: both listeners got exactly the history, in order, and gave nothing up
    for (const log of [cutLog, steadyLog]) {
      expect(log.seqs).toEqual(all);
      expect(log.messages.map((message) => message.text)).toEqual(texts);
      expect(log.gaps).toEqual([]);
    }

    // Assess: the paths ran. The cut listener re-joined with `since` and got the messages of
    // its absence from history; the steady one saw seqs arrive out of order, found the hole
    // and filled it with `history` requests.
    const awayTexts = new Set(texts.filter((text) => / away /.test(text)));
    const recoveredBy = (log: Received) =>
      new Set(log.messages.filter((message) => message.recovered).map((message) => message.text));
    expect(cut.id).not.toBe(cutId);
    expect(cutWire.resumingJoins).toBe(1);
    expect([...awayTexts].every((text) => recoveredBy(cutLog).has(text))).toBe(true);
    expect(faults.drops).toBeGreaterThan(0);
    expect(gapFills).toBeGreaterThan(0);
    expect([...awayTexts].every((text) => recoveredBy(steadyLog).has(text))).toBe(true);
    expect(steadyWire.resumingJoins).toBe(0);
    expect(arrivedAhead(steadyWire.arrived, 1)).toBeGreaterThan(0);
    expect(faults.throttles).toBeGreaterThan(0);

    // Assess: each sender got everyone else's messages once, in order, and never its own
    senders.forEach((sender, s) => {
      const log = senderLogs[s] as Received;
      const mine = new Set(own.get(sender));
      expect(log.seqs).toEqual(all.filter((seq) => !mine.has(seq)));
      expect(log.gaps).toEqual([]);
    });
  });
});
