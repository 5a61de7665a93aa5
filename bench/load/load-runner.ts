import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { mapWithConcurrency } from '../../lambdas/core/map-with-concurrency';
import { consoleLogger, silentLogger } from '../../local/gateway';
import { BENCH_USER_LIMITS, type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { Deadline } from './deadline';
import { DeliveryLedger, type LedgerReport, type Member } from './delivery-ledger';
import { ErrorTally, type LoadErrors } from './error-tally';
import { type AckReply, type Frame, LoadClient, type LoadClientListener } from './load-client';
import { expectedTotals, type LoadPlan, roomIndexOf } from './load-plan';
import { type Distribution, distribution } from './stats';

/** The outcome of `runLoad`; `ok` only when nothing was lost, duplicated, misdelivered or failed. */
export interface LoadSummary {
  readonly ok: boolean;
  readonly plan: Pick<LoadPlan, 'clients' | 'rooms' | 'messages' | 'concurrency' | 'timeoutS'>;
  /** `in-process` (a runtime this run started, DynamoDB Local in memory) or the `--url`. */
  readonly target: string;
  /** The `--timeout-s` bound was hit before the run finished. */
  readonly timedOut: boolean;
  /** Runtime start-up, connecting every client, joining and `whoami`. */
  readonly setupMs: number;
  /** From the first chat sent to the last ack or delivery received. */
  readonly sendWindowMs: number;
  /** Start to finish, closing included. */
  readonly wallMs: number;
  /** First receipts per second of the send window. */
  readonly deliveriesPerSecond: number;
  /** Acked messages per second of the send window. */
  readonly messagesPerSecond: number;
  readonly ledger: LedgerReport;
  /** Send to receipt, per delivery (milliseconds, one process clock). */
  readonly deliveryLatencyMs: Distribution;
  /** Send to ack, per message (milliseconds). */
  readonly ackLatencyMs: Distribution;
  readonly errors: LoadErrors;
}

export interface RunLoadOptions {
  /** Progress lines (phases, not results). Default: none. */
  readonly log?: (line: string) => void;
}

/** Sockets opened (and joined) at the same time during set-up. */
const SETUP_CONCURRENCY = 8;
/** Bound of one set-up step (open, join, whoami) and of the final whoami fence. */
const STEP_TIMEOUT_MS = 10_000;
/** API Gateway's integration timeout plus a second: an ack later than this never comes. */
const ACK_TIMEOUT_MS = 30_000;
/** How long to wait for outstanding deliveries after the last ack. */
const DRAIN_TIMEOUT_MS = 5_000;

/** A connected client: its place in the plan and its socket. */
interface Participant {
  readonly member: Member;
  readonly socket: LoadClient;
}

/**
 * Drives the chat with `plan.clients` sockets in `plan.rooms` rooms of namespace `/`: every
 * client joins room `i % rooms` and learns its id; after that barrier each sends
 * `plan.messages` chat messages (`{ id, sentAt }`), at most `plan.concurrency` awaiting
 * their acks. Then it checks that every other member of each sender's room got each
 * message exactly once and nobody else got any. Starts an in-memory runtime unless
 * `plan.url` is given; every wait is bounded by `plan.timeoutS`.
 *
 * Throws when set-up fails (after closing what it opened); a failure once the messages
 * flow is reported in the summary instead.
 *
 * @example
 * const summary = await runLoad({ ...DEFAULT_PLAN, clients: 6, rooms: 2, messages: 3 });
 * summary.ok; // true
 */
export async function runLoad(plan: LoadPlan, options: RunLoadOptions = {}): Promise<LoadSummary> {
  const log = options.log ?? (() => undefined);
  const startedAt = performance.now();
  const deadline = new Deadline(plan.timeoutS * 1_000);
  const tally = new ErrorTally();
  const inbox = new Inbox(tally);
  const opened: LoadClient[] = [];
  let runtime: LocalRuntime | undefined;
  try {
    let url = plan.url;
    if (url === undefined) {
      log('starting the local runtime (DynamoDB Local in memory)');
      runtime = await deadline.race(
        startLocalRuntime({
          auth: { mode: 'anonymous' },
          gateway: { logger: plan.verbose ? consoleLogger : silentLogger },
          // The load measures the stage; the per-user budgets would only cut it short.
          environment: BENCH_USER_LIMITS,
        }),
        `runtime start-up (--timeout-s ${plan.timeoutS})`,
        (late) => void late.close(),
      );
      url = runtime.gateway.url;
    }

    log(`connecting ${plan.clients} clients to ${url} and joining ${plan.rooms} rooms`);
    const participants = await connectClients(`${url}?ns=/`, plan, deadline, inbox, opened);
    const ledger = new DeliveryLedger(participants.map(({ member }) => member));
    inbox.ledger = ledger;
    const setupMs = performance.now() - startedAt;

    const expected = expectedTotals(plan);
    log(
      `sending ${expected.messages} messages (${plan.concurrency} in flight per client), ` +
        `expecting ${expected.deliveries} deliveries`,
    );
    const sendStart = performance.now();
    const lastAckAt = await sendMessages(participants, plan, ledger, deadline, tally);
    const drainUntil = performance.now() + deadline.cap(DRAIN_TIMEOUT_MS);
    while (ledger.outstanding() > 0 && performance.now() < drainUntil) await sleep(10);
    const sendWindowMs = Math.max(lastAckAt, inbox.lastReceiptAt, sendStart) - sendStart;
    const timedOut = deadline.passed();

    log('fencing and closing');
    await fence(opened, tally);
    // One synchronous snapshot: receipts still arriving while closing are not counted.
    const report = ledger.report();
    const deliveryLatencyMs = rounded(distribution(ledger.deliveryLatenciesMs()));
    const ackLatencyMs = rounded(distribution(ledger.ackLatenciesMs()));
    const errors = tally.errors(report);
    const started = runtime;
    runtime = undefined;
    await closeAll(opened, started);

    const seconds = Math.max(sendWindowMs, 1) / 1_000;
    return {
      ok:
        !timedOut &&
        report.messagesSent === expected.messages &&
        report.lost === 0 &&
        report.duplicated === 0 &&
        report.misdelivered === 0 &&
        errors.total === 0,
      plan: {
        clients: plan.clients,
        rooms: plan.rooms,
        messages: plan.messages,
        concurrency: plan.concurrency,
        timeoutS: plan.timeoutS,
      },
      target: plan.url ?? 'in-process',
      timedOut,
      setupMs: round(setupMs),
      sendWindowMs: round(sendWindowMs),
      wallMs: round(performance.now() - startedAt),
      deliveriesPerSecond: round(report.delivered / seconds),
      messagesPerSecond: round(report.messagesAcked / seconds),
      ledger: { ...report, examples: [...tally.examples, ...report.examples].slice(0, 10) },
      deliveryLatencyMs,
      ackLatencyMs,
      errors,
    };
  } finally {
    await closeAll(opened, runtime);
  }
}

/**
 * Routes what the sockets receive: chat events to the ledger once the barrier passed (none
 * are expected before), presence announcements nowhere, error events and anything
 * unexpected to the tally.
 */
class Inbox {
  ledger: DeliveryLedger | undefined;
  lastReceiptAt = 0;

  constructor(private readonly tally: ErrorTally) {}

  listenerFor(client: number): LoadClientListener {
    return {
      onEvent: (frame, at) => {
        if (frame.event === 'chat' && this.ledger !== undefined) {
          this.lastReceiptAt = at;
          this.ledger.received(client, chatFields(frame), at);
        } else if (frame.event === 'presence') {
          // The rooms are presence-tracked: each join is announced to the room. Not chat.
        } else {
          const kind = frame.event === 'error' ? 'errorFrames' : 'unexpectedFrames';
          this.tally.count(kind, `client ${client} got ${JSON.stringify(frame)}`);
        }
      },
      onUnexpected: (frame) =>
        this.tally.count('unexpectedFrames', `client ${client} got ${JSON.stringify(frame)}`),
      onUnexpectedClose: (code, reason) =>
        this.tally.count('unexpectedCloses', `client ${client} closed: ${code} ${reason}`),
    };
  }
}

/** Opens every socket, joins its room and asks its id; `opened` collects sockets to close. */
async function connectClients(
  url: string,
  plan: LoadPlan,
  deadline: Deadline,
  inbox: Inbox,
  opened: LoadClient[],
): Promise<Participant[]> {
  // Rooms of this run only, in case `--url` points at a runtime with other users.
  const tag = randomBytes(4).toString('hex');
  const results = await mapWithConcurrency(
    Array.from({ length: plan.clients }, (_, client) => client),
    SETUP_CONCURRENCY,
    async (client): Promise<Participant> => {
      const socket = await LoadClient.open(
        url,
        inbox.listenerFor(client),
        deadline.cap(STEP_TIMEOUT_MS),
      );
      opened.push(socket);
      const room = `load-${tag}-${roomIndexOf(client, plan.rooms)}`;
      dataOf(await socket.request('join', { room }, deadline.cap(STEP_TIMEOUT_MS)), 'join');
      const { id } = dataOf(
        await socket.request('whoami', undefined, deadline.cap(STEP_TIMEOUT_MS)),
        'whoami',
      ) as { id?: unknown };
      if (typeof id !== 'string') throw new Error(`whoami gave no id: ${JSON.stringify(id)}`);
      return { member: { client, connectionId: id, room }, socket };
    },
  );
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result] : []));
  const first = failures[0];
  if (first !== undefined) {
    const reason = first.reason instanceof Error ? first.reason.message : String(first.reason);
    throw new Error(`set-up failed for ${failures.length} of ${plan.clients} clients: ${reason}`);
  }
  return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}

/**
 * Every client sends its messages, `plan.concurrency` awaiting their acks at a time, until
 * done or the deadline passes. Resolves with when the last ack arrived.
 */
async function sendMessages(
  participants: readonly Participant[],
  plan: LoadPlan,
  ledger: DeliveryLedger,
  deadline: Deadline,
  tally: ErrorTally,
): Promise<number> {
  let lastAckAt = 0;
  const sendAll = async ({ member, socket }: Participant): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plan.messages && !deadline.passed()) {
        const id = `${member.client}:${next++}`;
        const sentAt = performance.now();
        ledger.sent(id, member.client, sentAt);
        let reply: AckReply;
        try {
          const message = { room: member.room, message: { id, sentAt } };
          reply = await socket.request('chat', message, deadline.cap(ACK_TIMEOUT_MS));
        } catch (error) {
          tally.count('failedRequests', `chat ${id}: ${messageOf(error)}`);
          continue;
        }
        lastAckAt = Math.max(lastAckAt, reply.at);
        if (reply.error !== undefined)
          tally.count('errorAcks', `chat ${id} acked with ${JSON.stringify(reply.error)}`);
        else
          ledger.ack(
            id,
            (reply.data as { recipients?: unknown } | undefined)?.recipients,
            reply.at,
          );
      }
    };
    await Promise.all(Array.from({ length: plan.concurrency }, worker));
  };
  await Promise.all(participants.map(sendAll));
  return lastAckAt;
}

/** A round trip per socket: copies the server sent before it (duplicates) are then in. */
async function fence(sockets: readonly LoadClient[], tally: ErrorTally): Promise<void> {
  await Promise.all(
    sockets.map(async (socket) => {
      try {
        await socket.request('whoami', undefined, STEP_TIMEOUT_MS);
      } catch (error) {
        tally.count('failedRequests', `fence whoami: ${messageOf(error)}`);
      }
    }),
  );
}

/** The ledger's view of a chat event: the message id from `data`, and the labels. */
function chatFields(frame: Frame): { id: unknown; room: unknown; from: unknown } {
  const data = frame.data as { id?: unknown } | undefined;
  return { id: data?.id, room: frame.room, from: frame.from };
}

function dataOf(reply: AckReply, action: string): unknown {
  if (reply.error !== undefined)
    throw new Error(`${action} failed: ${JSON.stringify(reply.error)}`);
  return reply.data ?? {};
}

async function closeAll(sockets: LoadClient[], runtime: LocalRuntime | undefined): Promise<void> {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await runtime?.close();
}

/** Two decimals are plenty for milliseconds and rates. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function rounded(stats: Distribution): Distribution {
  const { count, min, p50, p90, p99, max, mean } = stats;
  const or = (value: number | null): number | null => (value === null ? null : round(value));
  return {
    count,
    min: or(min),
    p50: or(p50),
    p90: or(p90),
    p99: or(p99),
    max: or(max),
    mean: or(mean),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
