/**
 * The monthly cost model behind `docs/costs.md`: realistic workloads, and the bill each runs
 * up, line by line, from the per-operation figures the cost suite measures
 * (`bench/results/cost.json`) and a few stated assumptions (prices, connection patterns,
 * Lambda durations on AWS). Pure: no I/O.
 *
 * @example
 * const bill = monthlyBill(WORKLOADS[0], costResults.rows, { lambdaMemoryMb: costResults.plan.lambdaMemoryMb });
 * bill.total; // dollars per month
 */

import { LAMBDA_FUNCTIONS } from '../../definitions/api';
import { AUTHORIZER_METRICS, FANOUT_TIME } from '../../definitions/metrics';
import { ERROR_CODES } from '../../lambdas/core/errors';
import type { ChatMetricName } from '../../lambdas/core/ports';
import type { CostRow } from './cost-suite';
import { PRICES } from './pricing';

/**
 * Prices the per-operation model (`PRICES`) does not cover: us-east-1 list prices, taken as
 * assumptions. Connection minutes are from `/work/shared/reference/apigw-websocket.md`
 * ("Prices used for cost models"); the others from the public price pages.
 */
export const ASSUMED_PRICES = {
  /** API Gateway WebSocket connection minutes, per million. */
  connectionMinutePerMillion: 0.25,
  /** DynamoDB Standard table storage, per GB-month. */
  dynamoDbStorageGbMonth: 0.25,
  /** DynamoDB point-in-time recovery (on in the stack), per GB-month of table size. */
  dynamoDbPitrGbMonth: 0.2,
  /** CloudWatch custom metric (each name + dimension combination), per month, first 10,000. */
  customMetricMonth: 0.3,
  /** CloudWatch Logs ingestion (EMF lines, Lambda and access logs), per GB. */
  logIngestionGb: 0.5,
  /** X-Ray traces recorded, per million (beyond the free tier). */
  xrayTracePerMillion: 5,
  /** CloudWatch dashboard, per month (beyond 3 free). */
  dashboardMonth: 3,
  /** CloudWatch standard-resolution alarm, per month. */
  alarmMonth: 0.1,
} as const;

/**
 * Free tiers the bill does **not** deduct (an account usually shares them with other
 * workloads); listed in the document so a reader can subtract them.
 */
export const FREE_TIERS_NOT_DEDUCTED: readonly string[] = [
  'Lambda: 1 million requests and 400,000 GB-seconds per month',
  'DynamoDB: 25 GB of table storage',
  'CloudWatch: 10 custom metrics, 10 alarms, 3 dashboards, 5 GB of log ingestion per month',
  'X-Ray: 100,000 traces recorded per month',
];

/** The core's counts without a dimension (every value of `ChatMetricName` but `Errors`). */
const UNDIMENSIONED_COUNTS = [
  'Connections',
  'ConnectionsRefused',
  'Disconnections',
  'MessagesReceived',
  'Deliveries',
  'DeliveryFailures',
  'GoneCleanups',
  'ShardsDispatched',
  'HistoryAppends',
  'PresenceEvents',
] as const satisfies readonly ChatMetricName[];

/** Fails to compile when `ChatMetricName` gains a name this list does not know. */
type Unlisted = Exclude<ChatMetricName, (typeof UNDIMENSIONED_COUNTS)[number] | 'Errors'>;
const everyMetricListed: [Unlisted] extends [never] ? true : never = true;

/**
 * Custom metrics the stack publishes (dimension `service`): the core's counts, `FanoutTime`,
 * `Errors` once per `ErrorCode`, and the authorizer's decisions.
 */
export const CUSTOM_METRICS: number = everyMetricListed
  ? [...UNDIMENSIONED_COUNTS, FANOUT_TIME].length +
    ERROR_CODES.length +
    Object.keys(AUTHORIZER_METRICS).length
  : 0;

/** The stack's alarms (`lib/observability.ts`): `Errors` and `Throttles` per function, `ApiErrors`, `IntegrationLatencyP99`. */
export const ALARMS: number = Object.keys(LAMBDA_FUNCTIONS).length * 2 + 2;

/** What the model assumes besides prices; every field is an estimate or a default of the stack. */
export interface ModelAssumptions {
  readonly daysPerMonth: number;
  /** Memory of every function (the stack's default; the cost suite's `lambdaMemoryMb`). */
  readonly lambdaMemoryMb: number;
  /** Billed ms of an invocation at least this (local handler times are not Lambda's). */
  readonly lambdaMsFloor: number;
  /** Time of one PostToConnection on AWS (the fan-out benchmark's delay). */
  readonly postLatencyMs: number;
  /** Posts in flight per invocation (the adapter's default). */
  readonly postConcurrency: number;
  /** Recipients per invocation above which a fan-out is split into shards (the adapter's default). */
  readonly shardSize: number;
  /** Billed ms of one `$connect` authorizer invocation (not measured by the cost suite). */
  readonly authorizerMs: number;
  /** Client keep-alive: a ping after this many minutes without a send (`keepAliveMs` of `client/options.ts`). */
  readonly keepAliveMinutes: number;
  /** API Gateway's maximum connection duration. */
  readonly maxConnectionHours: number;
  /** Stored size of one history message with its key and attributes, plus DynamoDB's 100-byte item overhead. */
  readonly historyItemBytes: number;
  /** Days an expired item stays stored before DynamoDB's TTL deletes it. */
  readonly ttlDeletionLagDays: number;
  /** Log bytes of every Lambda invocation: START, END and REPORT lines. */
  readonly platformLogBytes: number;
  /** Log bytes of the EMF line every invocation publishes. */
  readonly emfLogBytes: number;
  /** Log bytes of the INFO line of each connect, authorization and disconnect. */
  readonly appLogBytes: number;
  /** Log bytes of one stage access-log line (every connect, inbound frame and disconnect). */
  readonly accessLogBytes: number;
  /** X-Ray default sampling rule: this many traces per second … */
  readonly xrayReservoirPerSecond: number;
  /** … plus this share of the rest. */
  readonly xrayRate: number;
  readonly dashboards: number;
  readonly alarms: number;
  readonly customMetrics: number;
}

export const DEFAULT_ASSUMPTIONS: ModelAssumptions = {
  daysPerMonth: 30,
  lambdaMemoryMb: 256,
  lambdaMsFloor: 20,
  postLatencyMs: 20,
  postConcurrency: 64,
  shardSize: 1_000,
  authorizerMs: 20,
  keepAliveMinutes: 5,
  maxConnectionHours: 2,
  historyItemBytes: 400,
  ttlDeletionLagDays: 2,
  platformLogBytes: 350,
  emfLogBytes: 500,
  appLogBytes: 350,
  accessLogBytes: 250,
  xrayReservoirPerSecond: 1,
  xrayRate: 0.05,
  dashboards: 1,
  alarms: ALARMS,
  customMetrics: CUSTOM_METRICS,
};

/** A month of use of the chat: who connects, how long, and what they send. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  /** One sentence on who this is. */
  readonly summary: string;
  readonly users: number;
  /** Hours each user is connected per day. */
  readonly connectedHoursPerDay: number;
  /**
   * Hours of the day the users' connections and traffic are spread over (8 for one office,
   * 24 for users around the world). Open connections at a time = users × connected / active hours.
   */
  readonly activeHoursPerDay: number;
  /** Connections per user per day; raised to ⌈connected hours / 2⌉ (API Gateway closes them at 2 hours). */
  readonly connectsPerUserPerDay?: number;
  /** Rooms each user is in, joined again on every connection. */
  readonly roomsPerUser: number;
  /** Members of each room, the user included. */
  readonly roomSize: number;
  /** Room messages each user sends per day. */
  readonly messagesPerUserPerDay: number;
  readonly directMessagesPerUserPerDay: number;
  /** Namespace broadcasts per day (all users together). */
  readonly broadcastsPerDay: number;
  /** Recipients of each broadcast. Default: the connections open at the time. */
  readonly broadcastAudience?: number;
  /** Days a room keeps its messages (the app's default is 1). */
  readonly historyRetentionDays: number;
}

/** The workloads of `docs/costs.md`. */
export const WORKLOADS: readonly Workload[] = [
  {
    id: 'rooms',
    title: '1,000 users in rooms of 10',
    summary:
      'A community or support app: 1,000 users, each in 2 rooms of 10, connected 8 hours a day within the same 12 hours, sending 50 room messages a day.',
    users: 1_000,
    connectedHoursPerDay: 8,
    activeHoursPerDay: 12,
    roomsPerUser: 2,
    roomSize: 10,
    messagesPerUserPerDay: 50,
    directMessagesPerUserPerDay: 0,
    broadcastsPerDay: 0,
    historyRetentionDays: 1,
  },
  {
    id: 'broadcast',
    title: 'A 50,000-member broadcast channel',
    summary:
      'Announcements: 50,000 members around the world, each connected 12 hours a day and otherwise idle (no rooms, no messages); one namespace broadcast per hour reaches every member connected at the time.',
    users: 50_000,
    connectedHoursPerDay: 12,
    activeHoursPerDay: 24,
    roomsPerUser: 0,
    roomSize: 1,
    messagesPerUserPerDay: 0,
    directMessagesPerUserPerDay: 0,
    broadcastsPerDay: 24,
    historyRetentionDays: 1,
  },
  {
    id: 'team',
    title: 'A busy 100-person team',
    summary:
      'A team chat in one office: 100 people connected 9 hours a working day, each in 5 rooms of 20, sending 300 room messages and 30 direct messages a day.',
    users: 100,
    connectedHoursPerDay: 9,
    activeHoursPerDay: 9,
    roomsPerUser: 5,
    roomSize: 20,
    messagesPerUserPerDay: 300,
    directMessagesPerUserPerDay: 30,
    broadcastsPerDay: 0,
    historyRetentionDays: 1,
  },
  {
    id: 'churn',
    title: '10,000 mobile users with presence churn',
    summary:
      'A mobile app opened in short sessions: 10,000 users open it 20 times a day for about 6 minutes (2 hours connected), each session joining the same 3 rooms of 50 (announced to 49 others) and leaving them on disconnect; 5 room messages a day.',
    users: 10_000,
    connectedHoursPerDay: 2,
    activeHoursPerDay: 16,
    connectsPerUserPerDay: 20,
    roomsPerUser: 3,
    roomSize: 50,
    messagesPerUserPerDay: 5,
    directMessagesPerUserPerDay: 0,
    broadcastsPerDay: 0,
    historyRetentionDays: 1,
  },
];

/** What the model reads of a measured row of `cost.json` (a `CostRow`). */
export type MeasuredRow = Pick<
  CostRow,
  | 'lookup'
  | 'operation'
  | 'roomSize'
  | 'expectedRecipients'
  | 'managementApiCalls'
  | 'lambdaInvocations'
  | 'messageUnits'
  | 'handlerMsMedian'
> & { readonly dynamoDb: Pick<CostRow['dynamoDb'], 'rcu' | 'wcu'> };

/** One operation's use of each priced resource, as measured (or derived from measurements). */
export interface MeasuredFigures {
  readonly messageUnits: number;
  readonly posts: number;
  /** Invocations as measured (the route's function; the suite runs no shard dispatcher). */
  readonly lambdaInvocations: number;
  readonly handlerMs: number;
  readonly rcu: number;
  readonly wcu: number;
  /** Where the figures come from: a measured size, an interpolation, an extrapolation. */
  readonly note: string;
}

function figuresOf(row: MeasuredRow): Omit<MeasuredFigures, 'note'> {
  return {
    messageUnits: row.messageUnits,
    posts: row.managementApiCalls,
    lambdaInvocations: row.lambdaInvocations,
    handlerMs: row.handlerMsMedian,
    rcu: row.dynamoDb.rcu,
    wcu: row.dynamoDb.wcu,
  };
}

/**
 * The measured figures of `operation` (Query lookup, as deployed) in a room of `roomSize`:
 * the row of that size, else a linear interpolation between the two measured sizes around
 * it, or an extrapolation from the two nearest beyond the measured range. Posts and
 * message units grow by exactly one per member in every row, so they come out exact; the
 * capacity and times are estimates in between.
 *
 * @example
 * measuredAt(rows, 'room message', 20).note; // 'interpolated between the measured rooms of 10 and 100'
 */
export function measuredAt(
  rows: readonly MeasuredRow[],
  operation: string,
  roomSize: number,
): MeasuredFigures {
  const candidates = rows
    .filter((row) => row.lookup === 'query' && row.operation === operation)
    .sort((a, b) => a.roomSize - b.roomSize);
  const exact = candidates.find((row) => row.roomSize === roomSize);
  if (exact) return { ...figuresOf(exact), note: `measured at room size ${count(roomSize)}` };
  const [first] = candidates;
  if (!first) throw new Error(`cost.json has no "${operation}" row (Query lookup)`);
  if (candidates.length === 1)
    return {
      ...figuresOf(first),
      note: `nearest measured room size: ${count(first.roomSize)} (the only one)`,
    };
  const aboveIndex = candidates.findIndex((row) => row.roomSize > roomSize);
  const lowIndex =
    aboveIndex === -1 ? candidates.length - 2 : aboveIndex === 0 ? 0 : aboveIndex - 1;
  const low = candidates[lowIndex] as MeasuredRow;
  const high = candidates[lowIndex + 1] as MeasuredRow;
  const t = (roomSize - low.roomSize) / (high.roomSize - low.roomSize);
  const a = figuresOf(low);
  const b = figuresOf(high);
  const lerp = (key: keyof typeof a): number => Math.max(0, a[key] + (b[key] - a[key]) * t);
  const how =
    aboveIndex === -1 || aboveIndex === 0
      ? `extrapolated from the measured rooms of ${count(low.roomSize)} and ${count(high.roomSize)}`
      : `interpolated between the measured rooms of ${count(low.roomSize)} and ${count(high.roomSize)}`;
  return {
    messageUnits: lerp('messageUnits'),
    posts: lerp('posts'),
    lambdaInvocations: a.lambdaInvocations,
    handlerMs: lerp('handlerMs'),
    rcu: lerp('rcu'),
    wcu: lerp('wcu'),
    note: how,
  };
}

/**
 * A namespace broadcast to `recipients`, scaled from the measured broadcast whose recipients
 * are nearest: posts = recipients, message units = the row's inbound and ack frames plus one
 * per recipient, and its RCU and handler time in proportion (the Query of the namespace
 * grows with it).
 *
 * @example
 * broadcastAt(rows, 25_000).posts; // 25000
 */
export function broadcastAt(rows: readonly MeasuredRow[], recipients: number): MeasuredFigures {
  const candidates = rows.filter(
    (row) => row.lookup === 'query' && row.operation === 'namespace broadcast',
  );
  const nearest = candidates.reduce<MeasuredRow | undefined>(
    (best, row) =>
      best === undefined ||
      Math.abs(row.expectedRecipients - recipients) < Math.abs(best.expectedRecipients - recipients)
        ? row
        : best,
    undefined,
  );
  if (!nearest) throw new Error('cost.json has no "namespace broadcast" row (Query lookup)');
  const measured = nearest.expectedRecipients;
  const ratio = measured === 0 ? 1 : recipients / measured;
  return {
    messageUnits: nearest.messageUnits - nearest.managementApiCalls + recipients,
    posts: recipients,
    lambdaInvocations: nearest.lambdaInvocations,
    handlerMs: nearest.handlerMsMedian * ratio,
    rcu: nearest.dynamoDb.rcu * ratio,
    wcu: nearest.dynamoDb.wcu,
    note:
      recipients === measured
        ? `measured at ${count(measured)} recipients`
        : `scaled from the measured broadcast to ${count(measured)} recipients (RCU and time in proportion)`,
  };
}

/** Where an operation's figures come from. */
export type Basis = 'measured' | 'assumed';

/** One kind of operation in a month: how many, and what each uses. */
export interface OperationLine {
  readonly operation: string;
  readonly basis: Basis;
  readonly note: string;
  readonly perMonth: number;
  /** Per operation: */
  readonly messageUnits: number;
  readonly posts: number;
  /** Route function, shard workers (`deliver`) and the authorizer, per operation. */
  readonly lambdaInvocations: number;
  /** Billed Lambda ms of all its invocations together (an estimate). */
  readonly billedMs: number;
  readonly rcu: number;
  readonly wcu: number;
  /** Dollars per month of the per-operation resources (messages, Lambda, DynamoDB). */
  readonly dollars: number;
}

/** Whether a line item is counted from measurements, estimated, or a stated assumption. */
export type LineBasis = 'measured' | 'estimate' | 'assumed';

export interface LineItem {
  readonly id:
    | 'apiGatewayMessages'
    | 'connectionMinutes'
    | 'lambdaRequests'
    | 'lambdaDuration'
    | 'dynamoDbReads'
    | 'dynamoDbWrites'
    | 'dynamoDbStorage'
    | 'customMetrics'
    | 'logIngestion'
    | 'xray'
    | 'dashboardsAndAlarms';
  readonly label: string;
  readonly quantity: number;
  readonly unit: string;
  readonly dollars: number;
  readonly basis: LineBasis;
  /** How the quantity was found. */
  readonly how: string;
}

/** Per-user and per-day figures the bill is built from. */
export interface WorkloadDerived {
  readonly connectsPerUserPerDay: number;
  /** Whether `connectsPerUserPerDay` was raised to honour the 2-hour limit. */
  readonly connectsRaised: boolean;
  readonly joinsPerUserPerDay: number;
  readonly pingsPerUserPerDay: number;
  /** Connections open at a time (users × connected hours / active hours). */
  readonly concurrentConnections: number;
  readonly broadcastRecipients: number;
  /** Extra `deliver` invocations per broadcast: ⌈recipients / shard⌉ − 1. */
  readonly shardsPerBroadcast: number;
  readonly storedMessages: number;
  readonly historyGb: number;
  readonly tracesPerMonth: number;
  readonly logGb: number;
}

export interface MonthlyBill {
  readonly workload: Workload;
  readonly assumptions: ModelAssumptions;
  readonly derived: WorkloadDerived;
  readonly operations: readonly OperationLine[];
  readonly lines: readonly LineItem[];
  readonly total: number;
  readonly perUser: number;
  /** Posts (and their dollars) of presence announcements on join and disconnect. */
  readonly presence: { readonly posts: number; readonly dollars: number };
}

/** Time an invocation spends posting `posts` at the assumed latency and concurrency. */
export function postingMs(posts: number, assumptions: ModelAssumptions): number {
  return posts <= 0
    ? 0
    : Math.ceil(posts / assumptions.postConcurrency) * assumptions.postLatencyMs;
}

/**
 * Invocations and billed ms of an operation that posts `posts` messages after `handlerMs` of
 * its own work: the route's invocation posts the first shard (all of them below the shard
 * size); each further shard of at most `shardSize` is a `deliver` invocation. Every
 * invocation is billed at least the floor, rounded up to a whole ms.
 *
 * @example
 * lambdaTime(25_000, 30, DEFAULT_ASSUMPTIONS); // { invocations: 25, billedMs: 25 × 340 }
 */
export function lambdaTime(
  posts: number,
  handlerMs: number,
  assumptions: ModelAssumptions,
): { invocations: number; billedMs: number } {
  const { shardSize, lambdaMsFloor } = assumptions;
  const own = Math.min(posts, shardSize);
  let billedMs = Math.ceil(Math.max(handlerMs, lambdaMsFloor) + postingMs(own, assumptions));
  let invocations = 1;
  for (let left = posts - own; left > 0; left -= shardSize) {
    billedMs += Math.ceil(lambdaMsFloor + postingMs(Math.min(left, shardSize), assumptions));
    invocations++;
  }
  return { invocations, billedMs };
}

/**
 * The monthly bill of `workload` from the measured rows of `cost.json`, line by line.
 *
 * @example
 * const bill = monthlyBill(WORKLOADS[0], results.rows);
 * bill.lines.find((line) => line.id === 'apiGatewayMessages')?.dollars;
 */
export function monthlyBill(
  workload: Workload,
  rows: readonly MeasuredRow[],
  overrides: Partial<ModelAssumptions> = {},
): MonthlyBill {
  const assumptions = { ...DEFAULT_ASSUMPTIONS, ...overrides };
  const { daysPerMonth } = assumptions;
  const w = workload;
  const userDays = w.users * daysPerMonth;

  const minConnects = Math.ceil(w.connectedHoursPerDay / assumptions.maxConnectionHours);
  const connectsPerUserPerDay = Math.max(w.connectsPerUserPerDay ?? 0, minConnects);
  const joinsPerUserPerDay = connectsPerUserPerDay * w.roomsPerUser;
  const pingsPerUserPerDay = (w.connectedHoursPerDay * 60) / assumptions.keepAliveMinutes;
  const concurrentConnections = Math.min(
    w.users,
    (w.users * w.connectedHoursPerDay) / w.activeHoursPerDay,
  );
  const broadcastRecipients = Math.round(w.broadcastAudience ?? concurrentConnections);

  const operations: OperationLine[] = [];
  const add = (
    operation: string,
    basis: Basis,
    perMonth: number,
    figures: Omit<MeasuredFigures, 'lambdaInvocations' | 'handlerMs'>,
    lambda: { invocations: number; billedMs: number },
  ): void => {
    const gbSeconds = (lambda.billedMs / 1000) * (assumptions.lambdaMemoryMb / 1024);
    const perOperation =
      figures.messageUnits * PRICES.apiGatewayMessagePerMillion +
      lambda.invocations * PRICES.lambdaRequestPerMillion +
      gbSeconds * PRICES.lambdaArmGbSecond * 1e6 +
      figures.rcu * PRICES.dynamoDbReadUnitPerMillion +
      figures.wcu * PRICES.dynamoDbWriteUnitPerMillion;
    operations.push({
      operation,
      basis,
      note: figures.note,
      perMonth,
      messageUnits: figures.messageUnits,
      posts: figures.posts,
      lambdaInvocations: lambda.invocations,
      billedMs: lambda.billedMs,
      rcu: figures.rcu,
      wcu: figures.wcu,
      dollars: (perMonth * perOperation) / 1e6,
    });
  };
  const measured = (operation: string, perMonth: number, figures: MeasuredFigures): void => {
    const time = lambdaTime(figures.posts, figures.handlerMs, assumptions);
    add(operation, 'measured', perMonth, figures, {
      invocations: time.invocations + figures.lambdaInvocations - 1,
      billedMs: time.billedMs,
    });
  };

  const connects = userDays * connectsPerUserPerDay;
  const sizeForRows = Math.max(1, w.roomSize);
  measured('connect', connects, measuredAt(rows, 'connect', sizeForRows));
  add(
    'authorize ($connect authorizer)',
    'assumed',
    connects,
    {
      messageUnits: 0,
      posts: 0,
      rcu: 0,
      wcu: 0,
      note: 'one invocation per connection, not in the cost suite',
    },
    { invocations: 1, billedMs: Math.ceil(Math.max(assumptions.authorizerMs, 1)) },
  );
  if (joinsPerUserPerDay > 0)
    measured('join', userDays * joinsPerUserPerDay, measuredAt(rows, 'join', sizeForRows));
  if (w.messagesPerUserPerDay > 0)
    measured(
      'room message',
      userDays * w.messagesPerUserPerDay,
      measuredAt(rows, 'room message', sizeForRows),
    );
  if (w.directMessagesPerUserPerDay > 0)
    measured(
      'direct message',
      userDays * w.directMessagesPerUserPerDay,
      measuredAt(rows, 'direct message', sizeForRows),
    );
  if (w.broadcastsPerDay > 0)
    measured(
      'namespace broadcast',
      w.broadcastsPerDay * daysPerMonth,
      broadcastAt(rows, broadcastRecipients),
    );
  // A disconnect was measured for a member of one room; in k rooms it announces in each,
  // so its posts and capacity are taken k times (an upper bound: the connection's own items
  // are counted k times too). Without rooms it is the room-of-1 row (one membership too many).
  const leave = measuredAt(rows, 'disconnect', sizeForRows);
  const k = Math.max(1, w.roomsPerUser);
  measured('disconnect', connects, {
    ...leave,
    messageUnits: leave.messageUnits * k,
    posts: leave.posts * k,
    rcu: leave.rcu * k,
    wcu: leave.wcu * k,
    note:
      w.roomsPerUser === 0
        ? `${leave.note} (a member of one room: an upper bound without rooms)`
        : k === 1
          ? leave.note
          : `${leave.note}; × ${k} rooms (upper bound)`,
  });
  add(
    'keep-alive ping (MOCK route)',
    'assumed',
    userDays * pingsPerUserPerDay,
    { messageUnits: 2, posts: 0, rcu: 0, wcu: 0, note: 'ping in, pong out; no Lambda' },
    { invocations: 0, billedMs: 0 },
  );

  const sum = (pick: (op: OperationLine) => number): number =>
    operations.reduce((total, op) => total + op.perMonth * pick(op), 0);
  const messageUnits = sum((op) => op.messageUnits);
  const invocations = sum((op) => op.lambdaInvocations);
  const gbSeconds = (sum((op) => op.billedMs) / 1000) * (assumptions.lambdaMemoryMb / 1024);
  const rcu = sum((op) => op.rcu);
  const wcu = sum((op) => op.wcu);
  const connectionMinutes = userDays * w.connectedHoursPerDay * 60;

  const storedMessages =
    w.users *
    w.messagesPerUserPerDay *
    (w.historyRetentionDays + (w.messagesPerUserPerDay > 0 ? assumptions.ttlDeletionLagDays : 0));
  const historyGb = (storedMessages * assumptions.historyItemBytes) / 1024 ** 3;

  const perMonthOf = (prefix: string): number =>
    operations.filter((op) => op.operation.startsWith(prefix)).reduce((t, o) => t + o.perMonth, 0);
  const inboundFrames =
    perMonthOf('join') +
    perMonthOf('room message') +
    perMonthOf('direct message') +
    perMonthOf('namespace broadcast') +
    perMonthOf('keep-alive');
  const apiRequests = connects * 2 + inboundFrames;
  const logBytes =
    invocations * (assumptions.platformLogBytes + assumptions.emfLogBytes) +
    connects * 3 * assumptions.appLogBytes +
    apiRequests * assumptions.accessLogBytes;
  const logGb = logBytes / 1024 ** 3;

  // Traces start at the route functions and the authorizer; shard workers join their trace.
  const traceRoots = connects * 3 + inboundFrames - perMonthOf('keep-alive');
  const activeSeconds = daysPerMonth * w.activeHoursPerDay * 3600;
  const perSecond = activeSeconds === 0 ? 0 : traceRoots / activeSeconds;
  const reservoir = Math.min(perSecond, assumptions.xrayReservoirPerSecond);
  const tracesPerMonth =
    activeSeconds * (reservoir + assumptions.xrayRate * (perSecond - reservoir));

  const shardsPerBroadcast =
    broadcastRecipients > assumptions.shardSize
      ? Math.ceil(broadcastRecipients / assumptions.shardSize) - 1
      : 0;
  const lines: LineItem[] = [
    {
      id: 'apiGatewayMessages',
      label: 'API Gateway messages',
      quantity: messageUnits,
      unit: 'messages',
      dollars: (messageUnits * PRICES.apiGatewayMessagePerMillion) / 1e6,
      basis: 'measured',
      how: 'measured units per operation (in, posts, acks) × operations; pings 2 each (MOCK route)',
    },
    {
      id: 'connectionMinutes',
      label: 'API Gateway connection minutes',
      quantity: connectionMinutes,
      unit: 'minutes',
      dollars: (connectionMinutes * ASSUMED_PRICES.connectionMinutePerMillion) / 1e6,
      basis: 'assumed',
      how: 'users × connected hours × 60 × days',
    },
    {
      id: 'lambdaRequests',
      label: 'Lambda requests',
      quantity: invocations,
      unit: 'invocations',
      dollars: (invocations * PRICES.lambdaRequestPerMillion) / 1e6,
      basis: 'measured',
      how: 'measured invocations, plus the authorizer per connect and a deliver worker per extra shard',
    },
    {
      id: 'lambdaDuration',
      label: 'Lambda duration',
      quantity: gbSeconds,
      unit: 'GB-seconds',
      dollars: gbSeconds * PRICES.lambdaArmGbSecond,
      basis: 'estimate',
      how: `max(local handler ms, ${assumptions.lambdaMsFloor} ms) + posting time, at ${assumptions.lambdaMemoryMb} MB arm64`,
    },
    {
      id: 'dynamoDbReads',
      label: 'DynamoDB reads',
      quantity: rcu,
      unit: 'read request units',
      dollars: (rcu * PRICES.dynamoDbReadUnitPerMillion) / 1e6,
      basis: 'measured',
      how: 'consumed capacity per operation (DynamoDB Local) × operations',
    },
    {
      id: 'dynamoDbWrites',
      label: 'DynamoDB writes',
      quantity: wcu,
      unit: 'write request units',
      dollars: (wcu * PRICES.dynamoDbWriteUnitPerMillion) / 1e6,
      basis: 'measured',
      how: 'consumed capacity per operation (DynamoDB Local) × operations',
    },
    {
      id: 'dynamoDbStorage',
      label: 'DynamoDB storage of history (+ PITR)',
      quantity: historyGb,
      unit: 'GB-months',
      dollars:
        historyGb * (ASSUMED_PRICES.dynamoDbStorageGbMonth + ASSUMED_PRICES.dynamoDbPitrGbMonth),
      basis: 'estimate',
      how: `messages a day × (${w.historyRetentionDays} d retention + ${assumptions.ttlDeletionLagDays} d TTL lag) × ${assumptions.historyItemBytes} B`,
    },
    {
      id: 'customMetrics',
      label: 'CloudWatch custom metrics',
      quantity: assumptions.customMetrics,
      unit: 'metrics',
      dollars: assumptions.customMetrics * ASSUMED_PRICES.customMetricMonth,
      basis: 'assumed',
      how: 'every metric name + dimension combination the functions publish',
    },
    {
      id: 'logIngestion',
      label: 'CloudWatch Logs ingestion',
      quantity: logGb,
      unit: 'GB',
      dollars: logGb * ASSUMED_PRICES.logIngestionGb,
      basis: 'estimate',
      how: 'EMF and START/END/REPORT per invocation, INFO lines per connect/disconnect, an access-log line per API request',
    },
    {
      id: 'xray',
      label: 'X-Ray traces',
      quantity: tracesPerMonth,
      unit: 'traces',
      dollars: (tracesPerMonth * ASSUMED_PRICES.xrayTracePerMillion) / 1e6,
      basis: 'estimate',
      how: `${assumptions.xrayReservoirPerSecond}/s + ${assumptions.xrayRate * 100}% of the rest, traffic spread over ${w.activeHoursPerDay} h a day`,
    },
    {
      id: 'dashboardsAndAlarms',
      label: 'CloudWatch dashboard and alarms',
      quantity: assumptions.dashboards + assumptions.alarms,
      unit: `${assumptions.dashboards} dashboard + ${assumptions.alarms} alarms`,
      dollars:
        assumptions.dashboards * ASSUMED_PRICES.dashboardMonth +
        assumptions.alarms * ASSUMED_PRICES.alarmMonth,
      basis: 'assumed',
      how: 'the stack’s dashboard and standard-resolution alarms',
    },
  ];
  const total = lines.reduce((t, line) => t + line.dollars, 0);
  const presencePosts = operations
    .filter((op) => op.operation === 'join' || op.operation === 'disconnect')
    .reduce((t, op) => t + op.perMonth * op.posts, 0);
  return {
    workload,
    assumptions,
    derived: {
      connectsPerUserPerDay,
      connectsRaised: connectsPerUserPerDay > (w.connectsPerUserPerDay ?? 0),
      joinsPerUserPerDay,
      pingsPerUserPerDay,
      concurrentConnections,
      broadcastRecipients,
      shardsPerBroadcast,
      storedMessages,
      historyGb,
      tracesPerMonth,
      logGb,
    },
    operations,
    lines,
    total,
    perUser: total / w.users,
    presence: {
      posts: presencePosts,
      dollars: (presencePosts * PRICES.apiGatewayMessagePerMillion) / 1e6,
    },
  };
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
