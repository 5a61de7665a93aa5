/**
 * The monthly cost model behind `docs/costs.md`: the bill a workload (`workloads.ts`) runs
 * up, line by line, from the per-operation figures the cost suite measures
 * (`bench/results/cost.json`), the prices (`prices.ts`) and the model's assumptions
 * (`model-assumptions.ts`). Pure: no I/O.
 *
 * @example
 * const bill = monthlyBill(WORKLOADS[0], costResults.rows, { lambdaMemoryMb: costResults.plan.lambdaMemoryMb });
 * bill.total; // dollars per month
 */

import { cpuShare, lambdaMsAt, shardWallMs } from '../fanout/lambda-cpu-model';
import {
  broadcastAt,
  type MeasuredFigures,
  type MeasuredRow,
  measuredAt,
} from './measured-figures';
import { DEFAULT_ASSUMPTIONS, type ModelAssumptions } from './model-assumptions';
import { operationMemoryMb } from './operation-memory';
import { ASSUMED_PRICES, PRICES } from './prices';
import type { Workload } from './workloads';

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
  /** Those ms at each invocation's memory, GB-seconds. */
  readonly gbSeconds: number;
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

/**
 * Time an invocation at `memoryMb` spends posting `posts` frames: the longer of their CPU at
 * the memory's share and their round trips, `postConcurrency` in flight.
 */
export function postingMs(posts: number, assumptions: ModelAssumptions, memoryMb: number): number {
  return shardWallMs(posts, memoryMb, {
    cpuPerPostMicros: assumptions.cpuPerPostMicros,
    postLatencyMs: assumptions.postLatencyMs,
    concurrency: assumptions.postConcurrency,
  });
}

/** An operation's handler as measured on one full core: its wall time and the CPU part of it. */
export interface HandlerTime {
  readonly handlerMs: number;
  readonly handlerCpuMs: number;
}

/** Lambda invocations, billed ms and GB-seconds of one operation. */
export interface LambdaUse {
  readonly invocations: number;
  readonly billedMs: number;
  readonly gbSeconds: number;
}

/**
 * Invocations, billed ms and GB-seconds of an operation that posts `posts` messages after
 * `handler`'s own work in a function of `routeMemoryMb`. That invocation does the work with
 * its CPU at the memory's share, dispatches a `worker` per further shard of at most
 * `shardSize` (an SDK call's CPU each), and posts the first shard (all of them below the
 * shard size); each worker (the fan-out memory) posts its shard. Every invocation is billed
 * at least the floor, rounded up to a whole ms.
 *
 * @example
 * lambdaTime(25_000, { handlerMs: 30, handlerCpuMs: 10 }, DEFAULT_ASSUMPTIONS).invocations; // 13
 */
export function lambdaTime(
  posts: number,
  handler: HandlerTime,
  assumptions: ModelAssumptions,
  routeMemoryMb: number = assumptions.lambdaMemoryMb,
): LambdaUse {
  const { shardSize, lambdaMsFloor, lambdaMemoryMb } = assumptions;
  const own = Math.min(posts, shardSize);
  const workers = extraShards(posts, shardSize);
  const ownWorkMs = lambdaMsAt(handler.handlerMs, handler.handlerCpuMs, routeMemoryMb);
  const dispatchMs = (workers * assumptions.cpuPerDispatchMicros) / 1_000 / cpuShare(routeMemoryMb);
  const routeMs = Math.ceil(
    Math.max(ownWorkMs, lambdaMsFloor) + dispatchMs + postingMs(own, assumptions, routeMemoryMb),
  );
  let workerMs = 0;
  for (let left = posts - own; left > 0; left -= shardSize) {
    workerMs += Math.ceil(
      lambdaMsFloor + postingMs(Math.min(left, shardSize), assumptions, lambdaMemoryMb),
    );
  }
  return {
    invocations: 1 + workers,
    billedMs: routeMs + workerMs,
    gbSeconds: (routeMs * routeMemoryMb + workerMs * lambdaMemoryMb) / 1_000 / 1_024,
  };
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
  const traffic = dailyTraffic(workload, assumptions);
  const operations = operationLines(workload, rows, assumptions, traffic);
  const storage = historyStorage(workload, assumptions);
  const connects = perMonthOf(operations, 'connect');
  const logGb = logVolumeGb(operations, connects, assumptions);
  const tracesPerMonth = tracedRequests(operations, connects, workload, assumptions);
  const lines = lineItems(workload, assumptions, operations, {
    historyGb: storage.historyGb,
    logGb,
    tracesPerMonth,
  });
  const total = lines.reduce((t, line) => t + line.dollars, 0);
  const presencePosts = operations
    .filter((op) => op.operation === 'join' || op.operation === 'disconnect')
    .reduce((t, op) => t + op.perMonth * op.posts, 0);
  return {
    workload,
    assumptions,
    derived: {
      ...traffic,
      connectsRaised: traffic.connectsPerUserPerDay > (workload.connectsPerUserPerDay ?? 0),
      shardsPerBroadcast: extraShards(traffic.broadcastRecipients, assumptions.shardSize),
      ...storage,
      tracesPerMonth,
      logGb,
    },
    operations,
    lines,
    total,
    perUser: total / workload.users,
    presence: {
      posts: presencePosts,
      dollars: (presencePosts * PRICES.apiGatewayMessagePerMillion) / 1e6,
    },
  };
}

/** What a user does per day, and the connections open at a time. */
type DailyTraffic = Pick<
  WorkloadDerived,
  | 'connectsPerUserPerDay'
  | 'joinsPerUserPerDay'
  | 'pingsPerUserPerDay'
  | 'concurrentConnections'
  | 'broadcastRecipients'
>;

function dailyTraffic(w: Workload, assumptions: ModelAssumptions): DailyTraffic {
  const minConnects = Math.ceil(w.connectedHoursPerDay / assumptions.maxConnectionHours);
  const connectsPerUserPerDay = Math.max(w.connectsPerUserPerDay ?? 0, minConnects);
  const concurrentConnections = Math.min(
    w.users,
    (w.users * w.connectedHoursPerDay) / w.activeHoursPerDay,
  );
  return {
    connectsPerUserPerDay,
    joinsPerUserPerDay: connectsPerUserPerDay * w.roomsPerUser,
    pingsPerUserPerDay: (w.connectedHoursPerDay * 60) / assumptions.keepAliveMinutes,
    concurrentConnections,
    broadcastRecipients: Math.round(w.broadcastAudience ?? concurrentConnections),
  };
}

/** Extra `deliver` invocations of a fan-out to `recipients`: ⌈recipients / shard⌉ − 1. */
function extraShards(recipients: number, shardSize: number): number {
  return recipients > shardSize ? Math.ceil(recipients / shardSize) - 1 : 0;
}

/** Figures of an operation the cost suite does not run. */
type AssumedFigures = Omit<MeasuredFigures, 'lambdaInvocations' | 'handlerMs' | 'handlerCpuMs'>;

/** The month's operations: connects (and their authorizer), joins, messages, disconnects, pings. */
function operationLines(
  w: Workload,
  rows: readonly MeasuredRow[],
  assumptions: ModelAssumptions,
  traffic: DailyTraffic,
): OperationLine[] {
  const userDays = w.users * assumptions.daysPerMonth;
  const connects = userDays * traffic.connectsPerUserPerDay;
  const sizeForRows = Math.max(1, w.roomSize);
  const line = (
    operation: string,
    basis: Basis,
    perMonth: number,
    figures: AssumedFigures,
    lambda: LambdaUse,
  ): OperationLine => ({
    operation,
    basis,
    note: figures.note,
    perMonth,
    messageUnits: figures.messageUnits,
    posts: figures.posts,
    lambdaInvocations: lambda.invocations,
    billedMs: lambda.billedMs,
    gbSeconds: lambda.gbSeconds,
    rcu: figures.rcu,
    wcu: figures.wcu,
    dollars: (perMonth * operationDollarsPerMillion(figures, lambda)) / 1e6,
  });
  const measured = (operation: string, perMonth: number, figures: MeasuredFigures) => {
    const time = lambdaTime(
      figures.posts,
      figures,
      assumptions,
      operationMemoryMb(operation, assumptions),
    );
    return line(operation, 'measured', perMonth, figures, {
      ...time,
      invocations: time.invocations + figures.lambdaInvocations - 1,
    });
  };
  const perUser = (operation: string, perUserPerDay: number): OperationLine[] =>
    perUserPerDay > 0
      ? [measured(operation, userDays * perUserPerDay, measuredAt(rows, operation, sizeForRows))]
      : [];
  return [
    measured('connect', connects, measuredAt(rows, 'connect', sizeForRows)),
    line(
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
      authorizerUse(assumptions),
    ),
    ...perUser('join', traffic.joinsPerUserPerDay),
    ...perUser('room message', w.messagesPerUserPerDay),
    ...perUser('direct message', w.directMessagesPerUserPerDay),
    ...(w.broadcastsPerDay > 0
      ? [
          measured(
            'namespace broadcast',
            w.broadcastsPerDay * assumptions.daysPerMonth,
            broadcastAt(rows, traffic.broadcastRecipients),
          ),
        ]
      : []),
    measured(
      'disconnect',
      connects,
      disconnectFigures(w, measuredAt(rows, 'disconnect', sizeForRows)),
    ),
    line(
      'keep-alive ping (MOCK route)',
      'assumed',
      userDays * traffic.pingsPerUserPerDay,
      { messageUnits: 2, posts: 0, rcu: 0, wcu: 0, note: 'ping in, pong out; no Lambda' },
      { invocations: 0, billedMs: 0, gbSeconds: 0 },
    ),
  ];
}

/**
 * A disconnect was measured for a member of one room; in k rooms it announces in each, so its
 * posts and capacity are taken k times (an upper bound: the connection's own items are
 * counted k times too). Without rooms it is the room-of-1 row (one membership too many).
 */
function disconnectFigures(w: Workload, leave: MeasuredFigures): MeasuredFigures {
  const k = Math.max(1, w.roomsPerUser);
  return {
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
  };
}

/** One `$connect` authorizer invocation, at the other functions' memory. */
function authorizerUse(assumptions: ModelAssumptions): LambdaUse {
  const billedMs = Math.ceil(Math.max(assumptions.authorizerMs, 1));
  return {
    invocations: 1,
    billedMs,
    gbSeconds: (billedMs * assumptions.otherMemoryMb) / 1_000 / 1_024,
  };
}

/** Dollars per million of one operation: messages, Lambda requests and duration, DynamoDB. */
function operationDollarsPerMillion(figures: AssumedFigures, lambda: LambdaUse): number {
  const { gbSeconds } = lambda;
  return (
    figures.messageUnits * PRICES.apiGatewayMessagePerMillion +
    lambda.invocations * PRICES.lambdaRequestPerMillion +
    gbSeconds * PRICES.lambdaArmGbSecond * 1e6 +
    figures.rcu * PRICES.dynamoDbReadUnitPerMillion +
    figures.wcu * PRICES.dynamoDbWriteUnitPerMillion
  );
}

/** Operations per month of the lines whose name starts with `prefix`. */
function perMonthOf(operations: readonly OperationLine[], prefix: string): number {
  return operations
    .filter((op) => op.operation.startsWith(prefix))
    .reduce((t, o) => t + o.perMonth, 0);
}

/** The month's total of `pick` over every operation. */
function monthly(
  operations: readonly OperationLine[],
  pick: (op: OperationLine) => number,
): number {
  return operations.reduce((total, op) => total + op.perMonth * pick(op), 0);
}

/** Messages kept (retention plus the TTL's deletion lag) and their size. */
function historyStorage(
  w: Workload,
  assumptions: ModelAssumptions,
): Pick<WorkloadDerived, 'storedMessages' | 'historyGb'> {
  const storedMessages =
    w.users *
    w.messagesPerUserPerDay *
    (w.historyRetentionDays + (w.messagesPerUserPerDay > 0 ? assumptions.ttlDeletionLagDays : 0));
  return { storedMessages, historyGb: (storedMessages * assumptions.historyItemBytes) / 1024 ** 3 };
}

/** Frames clients send after connecting: joins, messages, broadcasts and pings. */
function inboundFrames(operations: readonly OperationLine[]): number {
  return (
    perMonthOf(operations, 'join') +
    perMonthOf(operations, 'room message') +
    perMonthOf(operations, 'direct message') +
    perMonthOf(operations, 'namespace broadcast') +
    perMonthOf(operations, 'keep-alive')
  );
}

/** GB of CloudWatch Logs: platform and EMF lines per invocation, INFO lines, access logs. */
function logVolumeGb(
  operations: readonly OperationLine[],
  connects: number,
  assumptions: ModelAssumptions,
): number {
  const invocations = monthly(operations, (op) => op.lambdaInvocations);
  const apiRequests = connects * 2 + inboundFrames(operations);
  const logBytes =
    invocations * (assumptions.platformLogBytes + assumptions.emfLogBytes) +
    connects * 3 * assumptions.appLogBytes +
    apiRequests * assumptions.accessLogBytes;
  return logBytes / 1024 ** 3;
}

/**
 * X-Ray traces recorded by the default sampling rule. Traces start at the route functions and
 * the authorizer; shard workers join their trace.
 */
function tracedRequests(
  operations: readonly OperationLine[],
  connects: number,
  w: Workload,
  assumptions: ModelAssumptions,
): number {
  const traceRoots =
    connects * 3 + inboundFrames(operations) - perMonthOf(operations, 'keep-alive');
  const activeSeconds = assumptions.daysPerMonth * w.activeHoursPerDay * 3600;
  const perSecond = activeSeconds === 0 ? 0 : traceRoots / activeSeconds;
  const reservoir = Math.min(perSecond, assumptions.xrayReservoirPerSecond);
  return activeSeconds * (reservoir + assumptions.xrayRate * (perSecond - reservoir));
}

/** The bill's line items, from the operations and the estimated volumes. */
function lineItems(
  w: Workload,
  assumptions: ModelAssumptions,
  operations: readonly OperationLine[],
  estimates: Pick<WorkloadDerived, 'historyGb' | 'logGb' | 'tracesPerMonth'>,
): LineItem[] {
  const { historyGb, logGb, tracesPerMonth } = estimates;
  const messageUnits = monthly(operations, (op) => op.messageUnits);
  const invocations = monthly(operations, (op) => op.lambdaInvocations);
  const gbSeconds = monthly(operations, (op) => op.gbSeconds);
  const rcu = monthly(operations, (op) => op.rcu);
  const wcu = monthly(operations, (op) => op.wcu);
  const connectionMinutes = w.users * assumptions.daysPerMonth * w.connectedHoursPerDay * 60;
  return [
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
      how: `max(local handler ms with its CPU at its memory's share, ${assumptions.lambdaMsFloor} ms) + dispatches + posting time (CPU or round trips); ${assumptions.lambdaMemoryMb} MB for message and worker, ${assumptions.otherMemoryMb} MB for the others; arm64`,
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
}
