import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { broadcastAt, type MeasuredRow, measuredAt } from '../../../bench/cost/measured-figures';
import { ALARMS, CUSTOM_METRICS, DEFAULT_ASSUMPTIONS } from '../../../bench/cost/model-assumptions';
import {
  type LineItem,
  lambdaTime,
  type MonthlyBill,
  monthlyBill,
} from '../../../bench/cost/monthly-bill';
import { PRICES } from '../../../bench/cost/prices';
import { WORKLOADS, type Workload } from '../../../bench/cost/workloads';
import { resolveOptions } from '../../../client/options';
import type { WebSocketConstructor } from '../../../client/transport';

type Figures = [
  messageUnits: number,
  posts: number,
  handlerMs: number,
  rcu: number,
  wcu: number,
  recipients?: number,
];

function row(operation: string, roomSize: number, figures: Figures): MeasuredRow {
  const [messageUnits, posts, handlerMs, rcu, wcu, recipients] = figures;
  return {
    lookup: 'query',
    operation: operation as MeasuredRow['operation'],
    roomSize,
    expectedRecipients: recipients ?? posts,
    managementApiCalls: posts,
    lambdaInvocations: 1,
    messageUnits,
    handlerMsMedian: handlerMs,
    handlerCpuMsMedian: 0,
    dynamoDb: { rcu, wcu },
  };
}

/** Rows shaped like cost.json's (Query lookup), with round figures, at rooms of 1, 10 and 100. */
const ROWS: readonly MeasuredRow[] = [
  row('connect', 1, [0, 0, 2, 0, 3]),
  row('join', 1, [2, 0, 14, 4, 3]),
  row('room message', 1, [2, 0, 8, 2, 2]),
  row('namespace broadcast', 1, [10_002, 10_000, 360, 82, 0]),
  row('direct message', 1, [3, 1, 31, 2, 0]),
  row('disconnect', 1, [0, 0, 36, 2, 6]),
  row('connect', 10, [0, 0, 2, 0, 3]),
  row('join', 10, [11, 9, 15, 4, 3]),
  // 8 of its 12 ms on the CPU: the rest of the rows only wait (for DynamoDB Local).
  { ...row('room message', 10, [11, 9, 12, 2, 2]), handlerCpuMsMedian: 8 },
  row('namespace broadcast', 10, [10_011, 10_009, 244, 82, 0]),
  row('direct message', 10, [3, 1, 17, 2, 0]),
  row('disconnect', 10, [9, 9, 15.6, 3, 6]),
  row('connect', 100, [0, 0, 4, 0, 3]),
  row('join', 100, [101, 99, 38, 6, 3]),
  row('room message', 100, [101, 99, 12, 3, 2]),
  row('namespace broadcast', 100, [10_101, 10_099, 375, 83, 0]),
  row('direct message', 100, [3, 1, 20, 2, 0]),
  row('disconnect', 100, [99, 99, 40, 4, 6]),
  // A Scan-all row the model must ignore.
  { ...row('room message', 10, [11, 9, 700, 198, 2]), lookup: 'scan-all' },
];

/** The stack's memory sizes, fixed here so the hand computations hold. */
const MEMORY = { lambdaMemoryMb: 512, otherMemoryMb: 256 };

/** Ten users, 2 hours a day, one room of 10, 3 messages a day: small enough to compute by hand. */
const TINY: Workload = {
  id: 'tiny',
  title: 'tiny',
  summary: 'ten users',
  users: 10,
  connectedHoursPerDay: 2,
  activeHoursPerDay: 2,
  roomsPerUser: 1,
  roomSize: 10,
  messagesPerUserPerDay: 3,
  directMessagesPerUserPerDay: 0,
  broadcastsPerDay: 0,
  historyRetentionDays: 1,
};

const line = (bill: MonthlyBill, id: LineItem['id']): LineItem => {
  const found = bill.lines.find((item) => item.id === id);
  if (!found) throw new Error(`no line ${id}`);
  return found;
};

describe('Function: monthlyBill', () => {
  it('prices a tiny workload as computed by hand', () => {
    // Prepare: 300 user-days: 300 connects, authorizations, joins and disconnects, 900
    // messages, 300 × (120 min / 5) = 7,200 pings.

    // Act
    const bill = monthlyBill(TINY, ROWS, MEMORY);

    // Assess
    // Messages: joins 300 × 11 + messages 900 × 11 + disconnects 300 × 9 + pings 7,200 × 2.
    expect(line(bill, 'apiGatewayMessages').quantity).toBe(3_300 + 9_900 + 2_700 + 14_400);
    expect(line(bill, 'apiGatewayMessages').dollars).toBeCloseTo(0.0303, 10);
    // 300 user-days × 120 minutes, at $0.25 per million.
    expect(line(bill, 'connectionMinutes').quantity).toBe(36_000);
    expect(line(bill, 'connectionMinutes').dollars).toBeCloseTo(0.009, 10);
    // connect + authorizer + join + disconnect: 300 each; messages 900.
    expect(line(bill, 'lambdaRequests').quantity).toBe(2_100);
    expect(line(bill, 'lambdaRequests').dollars).toBeCloseTo(0.00042, 10);
    // Billed ms, at 256 MB (0.1447 of a vCPU) for connect, the authorizer and disconnect and
    // 512 MB (0.2894) for the message function: connect 20 (floor), authorizer 20, join
    // 20 + 20 (9 posts: 3.7 ms of CPU, less than one 20 ms round trip), message 4 ms waiting
    // + 8 ms of CPU ÷ 0.2894 = 31.6 ms, + 20 (⌈51.6⌉ = 52), disconnect 20 + 20:
    // GB-seconds = 300 × 20 × 0.25 + 300 × 20 × 0.25 + 300 × 40 × 0.5 + 900 × 52 × 0.5
    // + 300 × 40 × 0.25 = 35,400 ms × GB = 35.4.
    expect(line(bill, 'lambdaDuration').quantity).toBeCloseTo(35.4, 10);
    expect(line(bill, 'lambdaDuration').dollars).toBeCloseTo(35.4 * 0.0000133334, 12);
    // RCU: joins 300 × 4 + messages 900 × 2 + disconnects 300 × 3.
    expect(line(bill, 'dynamoDbReads').quantity).toBe(3_900);
    expect(line(bill, 'dynamoDbReads').dollars).toBeCloseTo(0.0004875, 12);
    // WCU: connects 300 × 3 + joins 300 × 3 + messages 900 × 2 + disconnects 300 × 6.
    expect(line(bill, 'dynamoDbWrites').quantity).toBe(5_400);
    expect(line(bill, 'dynamoDbWrites').dollars).toBeCloseTo(0.003375, 12);
    // 30 messages a day kept 1 + 2 days, 400 bytes each, at $0.25 + $0.20 per GB-month.
    expect(line(bill, 'dynamoDbStorage').quantity).toBeCloseTo(36_000 / 1024 ** 3, 15);
    expect(line(bill, 'dynamoDbStorage').dollars).toBeCloseTo((36_000 / 1024 ** 3) * 0.45, 15);
    expect(line(bill, 'customMetrics').dollars).toBeCloseTo(22 * 0.3, 10);
    expect(line(bill, 'dashboardsAndAlarms').dollars).toBeCloseTo(3 + 14 * 0.1, 10);
    // Logs: 2,100 invocations × (350 + 500) + 300 connects × 3 INFO lines × 350
    // + (600 connects and disconnects + 300 joins + 900 messages + 7,200 pings) × 250 bytes.
    const logBytes = 2_100 * 850 + 300 * 3 * 350 + 9_000 * 250;
    expect(line(bill, 'logIngestion').quantity).toBeCloseTo(logBytes / 1024 ** 3, 12);
    expect(line(bill, 'logIngestion').dollars).toBeCloseTo((logBytes / 1024 ** 3) * 0.5, 12);
    // 2,100 trace roots (no shards) in 30 × 2 h: under 1 per second, so every one is traced.
    expect(line(bill, 'xray').quantity).toBeCloseTo(2_100, 6);
    expect(line(bill, 'xray').dollars).toBeCloseTo(0.0105, 10);
    expect(bill.total).toBeCloseTo(
      bill.lines.reduce((sum, item) => sum + item.dollars, 0),
      12,
    );
    expect(bill.perUser).toBeCloseTo(bill.total / 10, 12);
    // Presence: joins and disconnects post 9 each.
    expect(bill.presence.posts).toBe(300 * 9 + 300 * 9);
  });

  it('leaves out the fixed costs when the stack has no metrics, dashboard or alarms', () => {
    // Act
    const bill = monthlyBill(TINY, ROWS, { customMetrics: 0, dashboards: 0, alarms: 0 });

    // Assess
    expect(line(bill, 'customMetrics').dollars).toBe(0);
    expect(line(bill, 'dashboardsAndAlarms').dollars).toBe(0);
    expect(bill.total).toBeLessThan(monthlyBill(TINY, ROWS).total - 10);
  });

  it('bills a broadcast as its recipients plus the frame in and the ack, in shards of 1,000', () => {
    // Prepare: 50,000 members, 12 h a day around the clock: 25,000 connected at a time.
    const channel = WORKLOADS.find((w) => w.id === 'broadcast') as Workload;

    // Act
    const bill = monthlyBill(channel, ROWS, { shardSize: 1_000 });

    // Assess
    expect(bill.derived.broadcastRecipients).toBe(25_000);
    expect(bill.derived.shardsPerBroadcast).toBe(24);
    const broadcast = bill.operations.find((op) => op.operation === 'namespace broadcast');
    expect(broadcast?.perMonth).toBe(24 * 30);
    expect(broadcast?.messageUnits).toBe(25_000 + 2);
    expect(broadcast?.lambdaInvocations).toBe(25);
    // Broadcast posts: 25,000 recipients × 720 broadcasts at $1 per million, + 2 frames each;
    // pings: 50,000 × 30 days × 144 × 2; no rooms, so disconnects post nothing.
    const broadcastUnits = 25_000 * 720 + 2 * 720;
    const pingUnits = 50_000 * 30 * 144 * 2;
    expect(line(bill, 'apiGatewayMessages').quantity).toBe(broadcastUnits + pingUnits);
    expect(line(bill, 'apiGatewayMessages').dollars).toBeCloseTo(
      (25_000 * 720 * PRICES.apiGatewayMessagePerMillion) / 1e6 + (2 * 720 + pingUnits) / 1e6,
      9,
    );
  });

  it('reaches an explicit broadcast audience whatever the connected hours', () => {
    // Act
    const bill = monthlyBill(
      { ...TINY, broadcastsPerDay: 1, broadcastAudience: 2_500, messagesPerUserPerDay: 0 },
      ROWS,
      { shardSize: 1_000 },
    );

    // Assess
    expect(bill.derived.broadcastRecipients).toBe(2_500);
    expect(bill.derived.shardsPerBroadcast).toBe(2);
    const broadcast = bill.operations.find((op) => op.operation === 'namespace broadcast');
    expect(broadcast?.lambdaInvocations).toBe(3);
    expect(broadcast?.posts).toBe(2_500);
  });

  it('raises connections to one per 2 hours connected, and keeps more when asked', () => {
    // Act
    const continuous = monthlyBill(
      { ...TINY, connectedHoursPerDay: 8, connectsPerUserPerDay: 1 },
      ROWS,
    );
    const sessions = monthlyBill(
      { ...TINY, connectedHoursPerDay: 2, connectsPerUserPerDay: 20 },
      ROWS,
    );
    const odd = monthlyBill({ ...TINY, connectedHoursPerDay: 5 }, ROWS);

    // Assess
    expect(continuous.derived.connectsPerUserPerDay).toBe(4);
    expect(continuous.derived.connectsRaised).toBe(true);
    expect(sessions.derived.connectsPerUserPerDay).toBe(20);
    expect(sessions.derived.connectsRaised).toBe(false);
    expect(odd.derived.connectsPerUserPerDay).toBe(3);
    expect(sessions.operations.find((op) => op.operation === 'join')?.perMonth).toBe(10 * 30 * 20);
  });

  it('announces a disconnect in every room of the user', () => {
    // Act
    const bill = monthlyBill({ ...TINY, roomsPerUser: 3 }, ROWS);

    // Assess
    const disconnect = bill.operations.find((op) => op.operation === 'disconnect');
    expect(disconnect?.posts).toBe(27);
    expect(disconnect?.messageUnits).toBe(27);
    expect(disconnect?.wcu).toBe(18);
    expect(disconnect?.lambdaInvocations).toBe(1);
    expect(disconnect?.note).toContain('× 3 rooms');
  });

  it('samples X-Ray traces at 1 per second plus 5% of the rest', () => {
    // Prepare: 10,000 users × 100 messages a day in 1 active hour: far above 1 per second.
    const busy = { ...TINY, users: 10_000, messagesPerUserPerDay: 100, activeHoursPerDay: 1 };

    // Act
    const bill = monthlyBill(busy, ROWS);

    // Assess
    const seconds = 30 * 3600;
    const roots = 10_000 * 30 * (1 * 3 + 1 + 100);
    expect(bill.derived.tracesPerMonth).toBeCloseTo(seconds + 0.05 * (roots - seconds), 3);
  });

  it('stores history for retention plus the TTL lag, and nothing without messages', () => {
    // Act
    const day = monthlyBill(TINY, ROWS);
    const month = monthlyBill({ ...TINY, historyRetentionDays: 30 }, ROWS);
    const quiet = monthlyBill({ ...TINY, messagesPerUserPerDay: 0 }, ROWS);

    // Assess
    expect(day.derived.storedMessages).toBe(30 * 3);
    expect(month.derived.storedMessages).toBe(30 * 32);
    expect(line(month, 'dynamoDbStorage').dollars).toBeCloseTo(
      (line(day, 'dynamoDbStorage').dollars * 32) / 3,
      15,
    );
    expect(line(quiet, 'dynamoDbStorage').dollars).toBe(0);
    // Writes do not depend on retention.
    expect(line(month, 'dynamoDbWrites').quantity).toBe(line(day, 'dynamoDbWrites').quantity);
  });

  it('costs more with more messages, users, members or hours', () => {
    const arbitraryWorkload = fc.record({
      users: fc.integer({ min: 1, max: 100_000 }),
      connectedHoursPerDay: fc.integer({ min: 1, max: 24 }),
      roomsPerUser: fc.integer({ min: 0, max: 5 }),
      roomSize: fc.integer({ min: 2, max: 1_000 }),
      messagesPerUserPerDay: fc.integer({ min: 0, max: 500 }),
    });
    fc.assert(
      fc.property(arbitraryWorkload, fc.integer({ min: 1, max: 100 }), (shape, more) => {
        // Prepare
        const base: Workload = { ...TINY, ...shape, activeHoursPerDay: 24 };

        // Act
        const total = monthlyBill(base, ROWS).total;
        const messages = (w: Workload) => line(monthlyBill(w, ROWS), 'apiGatewayMessages').dollars;

        // Assess
        const busier = { ...base, messagesPerUserPerDay: base.messagesPerUserPerDay + more };
        expect(monthlyBill(busier, ROWS).total).toBeGreaterThan(total);
        expect(messages(busier)).toBeGreaterThan(messages(base));
        expect(monthlyBill({ ...base, users: base.users + more }, ROWS).total).toBeGreaterThan(
          total,
        );
        if (base.roomsPerUser > 0)
          expect(
            monthlyBill({ ...base, roomSize: base.roomSize + more }, ROWS).total,
          ).toBeGreaterThan(total);
        if (base.connectedHoursPerDay < 24)
          expect(
            monthlyBill({ ...base, connectedHoursPerDay: base.connectedHoursPerDay + 1 }, ROWS)
              .total,
          ).toBeGreaterThan(total);
      }),
      { numRuns: 60 },
    );
  });

  it('bills every workload of the document from the committed cost.json', () => {
    // Prepare
    const file = JSON.parse(
      readFileSync(join(__dirname, '../../../bench/results/cost.json'), 'utf8'),
    ) as { section: { data: { rows: MeasuredRow[] } } };

    for (const workload of WORKLOADS) {
      // Act
      const bill = monthlyBill(workload, file.section.data.rows);

      // Assess
      expect(bill.total).toBeGreaterThan(0);
      expect(bill.total).toBeCloseTo(
        bill.lines.reduce((sum, item) => sum + item.dollars, 0),
        9,
      );
      for (const item of bill.lines) expect(Number.isFinite(item.dollars)).toBe(true);
    }
  });
});

describe('Function: measuredAt', () => {
  it('takes the row of a measured size and ignores the Scan-all rows', () => {
    // Act
    const figures = measuredAt(ROWS, 'room message', 10);

    // Assess
    expect(figures).toMatchObject({ messageUnits: 11, posts: 9, handlerMs: 12, rcu: 2, wcu: 2 });
    expect(figures.note).toBe('measured at room size 10');
  });

  it('interpolates between the measured sizes around the room, posts exactly', () => {
    // Act
    const figures = measuredAt(ROWS, 'room message', 55);

    // Assess
    expect(figures.posts).toBeCloseTo(54, 10);
    expect(figures.messageUnits).toBeCloseTo(56, 10);
    expect(figures.rcu).toBeCloseTo(2.5, 10);
    expect(figures.note).toBe('interpolated between the measured rooms of 10 and 100');
  });

  it('extrapolates beyond the largest measured room from the two largest', () => {
    // Act
    const figures = measuredAt(ROWS, 'join', 1_000);

    // Assess
    expect(figures.posts).toBeCloseTo(999, 10);
    expect(figures.messageUnits).toBeCloseTo(1_001, 10);
    expect(figures.note).toBe('extrapolated from the measured rooms of 10 and 100');
  });

  it('throws for an operation the results do not have', () => {
    expect(() => measuredAt(ROWS, 'leave', 10)).toThrow('no "leave" row');
  });
});

describe('Function: broadcastAt', () => {
  it('scales posts, messages and read capacity from the nearest measured broadcast', () => {
    // Act
    const figures = broadcastAt(ROWS, 20_198);

    // Assess: the nearest is the broadcast to 10,099; twice its recipients.
    expect(figures.posts).toBe(20_198);
    expect(figures.messageUnits).toBe(20_200);
    expect(figures.rcu).toBeCloseTo(166, 10);
    expect(figures.handlerMs).toBeCloseTo(750, 10);
    expect(figures.note).toContain('scaled from the measured broadcast to 10,099 recipients');
  });

  it('uses a measured broadcast as it is', () => {
    expect(broadcastAt(ROWS, 10_099)).toMatchObject({
      posts: 10_099,
      messageUnits: 10_101,
      rcu: 83,
      note: 'measured at 10,099 recipients',
    });
  });
});

describe('Function: lambdaTime', () => {
  const latencyBound = {
    ...DEFAULT_ASSUMPTIONS,
    lambdaMemoryMb: 256,
    shardSize: 1_000,
    cpuPerPostMicros: 0,
    cpuPerDispatchMicros: 0,
  };
  const waits = (handlerMs: number) => ({ handlerMs, handlerCpuMs: 0 });

  it.each([
    [0, 5, 1, 20],
    [0, 35.2, 1, 36],
    [9, 12, 1, 40],
    [1_000, 30, 1, 350],
    // 1,000 posted by the route's invocation (30 + 320 ms), 1 by a worker (20 + 20 ms).
    [1_001, 30, 2, 390],
    // 25 shards of 1,000: 25 × (20 + 16 × 20) ms.
    [25_000, 0, 25, 25 * 340],
  ])(
    'bills %d posts after %d ms as %d invocations, %d ms: the floor, posting time, a worker per further shard',
    (posts, handlerMs, invocations, billedMs) => {
      expect(lambdaTime(posts, waits(handlerMs), latencyBound)).toEqual({
        invocations,
        billedMs,
        gbSeconds: (billedMs * 256) / 1_000 / 1_024,
      });
    },
  );

  it("stretches the handler's CPU, and only its CPU, to the memory's share", () => {
    // 1,769 MB ÷ 4: a quarter of a vCPU.
    const quarter = { ...latencyBound, lambdaMemoryMb: 1_769 / 4 };
    // 6 ms of waits as measured, 10 ms of CPU × 4.
    expect(lambdaTime(0, { handlerMs: 16, handlerCpuMs: 10 }, quarter).billedMs).toBe(46);
    expect(lambdaTime(0, { handlerMs: 16, handlerCpuMs: 0 }, quarter).billedMs).toBe(20);
    // At 256 MB (0.1447 of a vCPU): 6 + 10 ÷ 0.1447 = 75.1.
    expect(lambdaTime(0, { handlerMs: 16, handlerCpuMs: 10 }, latencyBound).billedMs).toBe(76);
  });

  it("bills the posts' and dispatches' CPU when it outlasts the round trips", () => {
    // One full vCPU; a post costs 500 µs, a dispatch 1 ms.
    const cpuBound = {
      ...latencyBound,
      lambdaMemoryMb: 1_769,
      cpuPerPostMicros: 500,
      cpuPerDispatchMicros: 1_000,
    };

    // Act
    const time = lambdaTime(2_500, { handlerMs: 30, handlerCpuMs: 10 }, cpuBound);

    // Assess: the route: 30 ms of own work, 2 dispatches (2 ms), 1,000 posts (500 ms of CPU,
    // over 16 × 20 ms); a worker: 20 + 500 ms; the last worker's 500 posts: 20 + 250 ms
    // (over 8 × 20 ms).
    expect(time).toMatchObject({ invocations: 3, billedMs: 532 + 520 + 270 });
  });

  it("runs the route's invocation at its function's memory and the workers at the fan-out's", () => {
    // Act: the route at a quarter of a vCPU, the workers at a full one.
    const time = lambdaTime(
      1_500,
      { handlerMs: 16, handlerCpuMs: 10 },
      { ...latencyBound, lambdaMemoryMb: 1_769, cpuPerPostMicros: 500 },
      1_769 / 4,
    );

    // Assess: the route: 6 + 10 × 4 ms, 1,000 posts at 2 ms each; the worker: 20 + 500 × 0.5.
    expect(time).toEqual({
      invocations: 2,
      billedMs: 2_046 + 270,
      gbSeconds: (2_046 * (1_769 / 4) + 270 * 1_769) / 1_000 / 1_024,
    });
  });
});

describe('Constants: the stack the model prices', () => {
  it('counts 22 custom metrics and 14 alarms', () => {
    // 11 counts + FanoutTime + Errors by 8 codes + 2 authorizer decisions; 6 functions × 2 + 2.
    expect(CUSTOM_METRICS).toBe(22);
    expect(ALARMS).toBe(14);
  });

  it("pings at the client's default keep-alive", () => {
    // Act
    const options = resolveOptions({ WebSocket: class {} as unknown as WebSocketConstructor });

    // Assess
    expect(options.keepAliveMs).toBe(DEFAULT_ASSUMPTIONS.keepAliveMinutes * 60_000);
  });
});
