import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_FUNCTION_MEMORY_MB, FAN_OUT_SIZING } from '../../definitions/fan-out-sizing';
import { DEFAULT_MAX_ROOMS_PER_SOCKET } from '../../lambdas/core/adapter';
import type { SocketId } from '../../lambdas/core/types';
import {
  createChatTable,
  createDynamoDbLocalClient,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';
import type { BenchSuite, Log } from '../bench-section';
import { lambdaMsAt } from '../fanout/lambda-cpu-model';
import { median } from '../median';
import type { CapacityTally } from './capacity-recorder';
import { type ClientCpuCost, measureClientCpu } from './client-cpu';
import { benchId, CostHarness, type Lookup, type OperationCost } from './cost-harness';
import { formatCostMarkdown } from './cost-report';
import { operationMemoryMb } from './operation-memory';
import { PRICES } from './prices';
import { type CostPerMillion, costPerMillion } from './pricing';

export const OPERATIONS = [
  'connect',
  'join',
  'room message',
  'namespace broadcast',
  'direct message',
  'disconnect',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface CostPlan {
  /** Members of the measured room, the sender included. */
  readonly roomSizes: readonly number[];
  /** Connections of namespace `/` outside the room. */
  readonly others: number;
  /** Namespace sizes (others) at which a room message to a room of 10 is measured. */
  readonly namespaceSweep: readonly number[];
  /** Measured cycles per room size and lookup, after one warm-up cycle. */
  readonly repeats: number;
  /** Memory of the functions that fan out (`message`, `worker`): the stack's `FAN_OUT_SIZING`. */
  readonly lambdaMemoryMb: number;
  /** Memory of the others (`connect`, `disconnect`, the authorizer). */
  readonly otherMemoryMb: number;
}

/** One operation at one room size: the last repeat's counts, the median time, the price. */
export interface CostRow {
  readonly lookup: Lookup;
  readonly operation: Operation;
  readonly roomSize: number;
  readonly others: number;
  /** Connections the operation should post to. */
  readonly expectedRecipients: number;
  readonly dynamoDb: CapacityTally;
  readonly managementApiCalls: number;
  readonly lambdaInvocations: number;
  readonly messageUnits: number;
  readonly handlerMsMedian: number;
  /** Median CPU of the handler on this machine's core, ms (part of `handlerMsMedian`). */
  readonly handlerCpuMsMedian: number;
  /** `handlerMsMedian` on Lambda at its function's memory: its CPU stretched to the memory's share. */
  readonly lambdaMs: number;
  /** Whether every repeat had the same DynamoDB and management-API counts. */
  readonly stable: boolean;
  readonly costPerMillion: CostPerMillion;
}

export interface CostResults {
  readonly plan: CostPlan;
  readonly rows: readonly CostRow[];
  /** Room message to a room of 10 at each namespace size of the sweep. */
  readonly sweep: readonly CostRow[];
  /** The per-user message budget's one write per frame, alone. */
  readonly budget?: BudgetCost;
  /** A room message with, and without, a member at the room cap that is gone. */
  readonly goneMember?: GoneMemberCost;
  /** One acked emit to one socket, with the socket's answer. */
  readonly ackedEmit?: AckedEmitCost;
  /** A room message with and without Socket.IO clients among the members. */
  readonly mixedRoom?: MixedRoomCost;
  /** Client CPU of reading a room of 100, with and without the SDK's logger middleware. */
  readonly clientCpu?: ClientCpuCost;
}

/** What an acked emit to one socket costs: the asking frame and the answer together. */
export interface AckedEmitCost {
  readonly dynamoDbRequests: number;
  readonly rcu: number;
  readonly wcu: number;
  /** Dollars per million acked emits: DynamoDB, Lambda requests, API Gateway messages. */
  readonly dollarsPerMillion: number;
}

/** One room message to a room of 10, as its sender's request pays it. */
export interface RoomMessageCost {
  readonly dynamoDbRequests: number;
  readonly rcu: number;
  readonly wcu: number;
  readonly posts: number;
  readonly apiGatewayMessages: number;
  /** Distinct frames posted: encodings of the message. */
  readonly framesEncoded: number;
  readonly dollarsPerMillion: number;
}

/** A room message to a room of JSON-protocol clients, and to one where half are Socket.IO clients. */
export interface MixedRoomCost {
  readonly roomSize: number;
  readonly socketIoMembers: number;
  readonly json: RoomMessageCost;
  readonly mixed: RoomMessageCost;
}

/** What a room message costs the sender when a member at the room cap is gone. */
export interface GoneMemberCost {
  /** The gone member's rooms (the default room cap). */
  readonly rooms: number;
  readonly normal: {
    readonly dynamoDbRequests: number;
    readonly lambdaInvocations: number;
    readonly handlerMs: number;
  };
  readonly withGone: {
    readonly dynamoDbRequests: number;
    readonly lambdaInvocations: number;
    readonly handlerMs: number;
  };
}

/** What the per-user message budget adds to every frame. */
export interface BudgetCost {
  readonly writeRequests: number;
  readonly wcu: number;
  /** Dollars per million frames (DynamoDB writes only). */
  readonly dollarsPerMillion: number;
}

const TABLE_NAME = 'bench-cost';
const SWEEP_ROOM_SIZE = 10;

/**
 * The `cost` suite: measures every operation on DynamoDB Local (in memory), with both
 * lookups, and prices it.
 *
 * @example
 * const section = await runSuite(COST_SUITE, COST_SUITE.plans.quick, 'npm run bench', console.error);
 */
export const COST_SUITE: BenchSuite<CostPlan, CostResults> = {
  id: 'cost',
  title: 'Cost per operation',
  plans: {
    quick: {
      roomSizes: [1, 10, 100],
      others: 1_000,
      namespaceSweep: [0, 100, 1_000],
      repeats: 3,
      lambdaMemoryMb: FAN_OUT_SIZING.memoryMb,
      otherMemoryMb: DEFAULT_FUNCTION_MEMORY_MB,
    },
    full: {
      roomSizes: [1, 10, 100, 1_000],
      others: 10_000,
      namespaceSweep: [0, 1_000, 10_000],
      repeats: 3,
      lambdaMemoryMb: FAN_OUT_SIZING.memoryMb,
      otherMemoryMb: DEFAULT_FUNCTION_MEMORY_MB,
    },
  },
  measure: measureCosts,
  markdown: formatCostMarkdown,
};

/** The client-CPU measurement: reads of a room of 100 per round and client, five rounds. */
const CLIENT_CPU = { roomSize: 100, reads: 1_000, rounds: 5 } as const;

/** Seeds the namespace, then measures every operation with both lookups. */
export async function measureCosts(plan: CostPlan, log: Log): Promise<CostResults> {
  const db = await startDynamoDbLocal();
  const clients: DynamoDBClient[] = [];
  const client = (): DynamoDBClient => {
    const created = createDynamoDbLocalClient(db.endpoint);
    clients.push(created);
    return created;
  };
  try {
    const seedClient = client();
    await createChatTable({ client: seedClient, tableName: TABLE_NAME });
    const harnesses = (['query', 'scan-all'] as const).map(
      (lookup) =>
        new CostHarness({ measuredClient: client(), seedClient, tableName: TABLE_NAME, lookup }),
    );
    const [seeder] = harnesses as [CostHarness, CostHarness];

    // Namespace sweep: a room of 10, the namespace growing around it.
    const sweepRoom = 'sweep';
    const sweepMembers = ids('W', SWEEP_ROOM_SIZE);
    await seeder.seed(sweepMembers, [sweepRoom]);
    const sender = sweepMembers[0] as SocketId;
    const sweep: CostRow[] = [];
    let seeded = 0;
    for (const level of [...plan.namespaceSweep].sort((a, b) => a - b)) {
      const started = performance.now();
      await seeder.seed(ids('O', level - seeded, seeded));
      seeded = Math.max(seeded, level);
      log(`cost: namespace at ${seeded} others (seeded in ${elapsed(started)})`);
      for (const harness of harnesses) {
        await harness.chat(sender, sweepRoom);
        const costs: OperationCost[] = [];
        for (let i = 0; i < plan.repeats; i++) costs.push(await harness.chat(sender, sweepRoom));
        sweep.push(toRow(plan, harness.lookup, 'room message', SWEEP_ROOM_SIZE, seeded, costs));
      }
    }
    await seeder.unseed(sweepMembers);
    if (seeded < plan.others) await seeder.seed(ids('O', plan.others - seeded, seeded));

    const rows: CostRow[] = [];
    const directTarget = benchId('O', 0);
    for (const roomSize of plan.roomSizes) {
      const room = `room-${roomSize}`;
      const members = ids('M', roomSize - 1);
      await seeder.seed(members, [room]);
      for (const [index, harness] of harnesses.entries()) {
        const started = performance.now();
        const { lookup } = harness;
        const byOperation = new Map<Operation, OperationCost[]>(OPERATIONS.map((op) => [op, []]));
        for (let cycle = 0; cycle <= plan.repeats; cycle++) {
          const id = benchId('S', roomSize * 1_000 + index * 100 + cycle);
          const costs: [Operation, OperationCost][] = [];
          costs.push(['connect', await harness.connect(id)]);
          costs.push(['join', await harness.join(id, room)]);
          costs.push(['room message', await harness.chat(id, room)]);
          costs.push(['namespace broadcast', await harness.broadcast(id)]);
          costs.push(['direct message', await harness.direct(id, directTarget)]);
          costs.push(['disconnect', await harness.disconnect(id)]);
          // Cycle 0 warms up the code paths and is not counted.
          if (cycle > 0) for (const [op, cost] of costs) byOperation.get(op)?.push(cost);
        }
        for (const [op, costs] of byOperation)
          rows.push(toRow(plan, lookup, op, roomSize, plan.others, costs));
        log(`cost: ${lookup}, room of ${roomSize}: ${elapsed(started)}`);
      }
      await seeder.unseed(members);
    }
    const [budgetHarness] = harnesses;
    await budgetHarness?.budget();
    const budgetCost = await (budgetHarness as CostHarness).budget();
    const budget: BudgetCost = {
      writeRequests: budgetCost.dynamoDb.writeRequests,
      wcu: budgetCost.dynamoDb.wcu,
      dollarsPerMillion: budgetCost.dynamoDb.wcu * PRICES.dynamoDbWriteUnitPerMillion,
    };
    log(`cost: per-user budget: ${budget.wcu} WCU per frame`);
    const goneMember = await measureGoneMember(budgetHarness as CostHarness);
    log(
      `cost: room message past a gone member in ${goneMember.rooms} rooms: ${goneMember.withGone.dynamoDbRequests} DynamoDB requests (${goneMember.normal.dynamoDbRequests} without)`,
    );
    const ackedEmit = await measureAckedEmit(budgetHarness as CostHarness, plan.repeats);
    log(`cost: acked emit to one socket: ${ackedEmit.dynamoDbRequests} DynamoDB requests`);
    const mixedRoom = await measureMixedRoom(budgetHarness as CostHarness, plan.repeats);
    log(
      `cost: room message with half Socket.IO members: ${mixedRoom.mixed.framesEncoded} frames encoded for ${mixedRoom.mixed.posts} posts`,
    );
    const cpuRoom = 'client-cpu';
    await seeder.seed(ids('C', CLIENT_CPU.roomSize), [cpuRoom]);
    const clientCpu = await measureClientCpu({
      client,
      tableName: TABLE_NAME,
      room: cpuRoom,
      ...CLIENT_CPU,
    });
    log(
      `cost: client CPU per read of a room of ${clientCpu.roomSize}: ${clientCpu.sdkDefaultMicros.join(', ')} µs (SDK default), ${clientCpu.chatMicros.join(', ')} µs (chat)`,
    );
    return { plan, rows, sweep, budget, goneMember, ackedEmit, mixedRoom, clientCpu };
  } finally {
    for (const created of clients) created.destroy();
    await db.stop();
  }
}

/** An acked emit to one socket, answered at once, `repeats` times after a warm-up: the median. */
async function measureAckedEmit(harness: CostHarness, repeats: number): Promise<AckedEmitCost> {
  const id = benchId('K', 0);
  await harness.seed([id]);
  await harness.ackedEmit(id);
  const costs: OperationCost[] = [];
  for (let i = 0; i < repeats; i++) costs.push(await harness.ackedEmit(id));
  await harness.unseed([id]);
  const mid = (values: number[]) => median(values);
  const requests = mid(costs.map((cost) => cost.dynamoDb.requests));
  const rcu = mid(costs.map((cost) => cost.dynamoDb.rcu));
  const wcu = mid(costs.map((cost) => cost.dynamoDb.wcu));
  const messages = mid(costs.map((cost) => cost.messageUnits));
  return {
    dynamoDbRequests: requests,
    rcu,
    wcu,
    dollarsPerMillion:
      rcu * PRICES.dynamoDbReadUnitPerMillion +
      wcu * PRICES.dynamoDbWriteUnitPerMillion +
      // Two invocations (the asking frame's and the answer's) and their message units.
      2 * PRICES.lambdaRequestPerMillion +
      messages * PRICES.apiGatewayMessagePerMillion,
  };
}

/**
 * A room message to a room of 10 JSON-protocol members, then to a room of 10 where 5 members
 * (not the sender) are Socket.IO clients: the medians of `repeats` after a warm-up.
 */
async function measureMixedRoom(harness: CostHarness, repeats: number): Promise<MixedRoomCost> {
  const socketIoMembers = SWEEP_ROOM_SIZE / 2;
  const measureRoom = async (room: string, prefix: string, socketIo: number) => {
    const members = ids(prefix, SWEEP_ROOM_SIZE);
    await harness.seed(members.slice(0, SWEEP_ROOM_SIZE - socketIo), [room]);
    await harness.seed(members.slice(SWEEP_ROOM_SIZE - socketIo), [room], 8, Date.now(), true);
    const sender = members[0] as SocketId;
    await harness.chat(sender, room);
    const costs: OperationCost[] = [];
    for (let i = 0; i < repeats; i++) costs.push(await harness.chat(sender, room));
    await harness.unseed(members);
    const mid = (pick: (cost: OperationCost) => number) => median(costs.map(pick));
    const rcu = mid((cost) => cost.dynamoDb.rcu);
    const wcu = mid((cost) => cost.dynamoDb.wcu);
    const apiGatewayMessages = mid((cost) => cost.messageUnits);
    return {
      dynamoDbRequests: mid((cost) => cost.dynamoDb.requests),
      rcu,
      wcu,
      posts: mid((cost) => cost.managementApiCalls),
      apiGatewayMessages,
      framesEncoded: mid((cost) => cost.framesEncoded),
      dollarsPerMillion:
        rcu * PRICES.dynamoDbReadUnitPerMillion +
        wcu * PRICES.dynamoDbWriteUnitPerMillion +
        PRICES.lambdaRequestPerMillion +
        apiGatewayMessages * PRICES.apiGatewayMessagePerMillion,
    };
  };
  return {
    roomSize: SWEEP_ROOM_SIZE,
    socketIoMembers,
    json: await measureRoom('json-room', 'J', 0),
    mixed: await measureRoom('mixed-room', 'X', socketIoMembers),
  };
}

/** A room of 10 chatting, then the same with one more member, in 100 rooms, gone. */
async function measureGoneMember(harness: CostHarness): Promise<GoneMemberCost> {
  const room = 'gone-room';
  const members = ids('N', SWEEP_ROOM_SIZE);
  await harness.seed(members, [room]);
  const sender = members[0] as SocketId;
  await harness.chat(sender, room);
  const summary = (cost: OperationCost) => ({
    dynamoDbRequests: cost.dynamoDb.requests,
    lambdaInvocations: cost.lambdaInvocations,
    handlerMs: Math.round(cost.handlerMs * 100) / 100,
  });
  const normal = summary(await harness.chat(sender, room));
  const rooms = DEFAULT_MAX_ROOMS_PER_SOCKET;
  const withGone = summary(await harness.chatPastGoneMember(sender, room, benchId('G', 0), rooms));
  await harness.unseed([...members, benchId('G', 0)]);
  return { rooms, normal, withGone };
}

/**
 * The recipients each operation must reach (the sender excluded). Joining and leaving a
 * presence-tracked room announce the user to the room's other members.
 */
export function expectedRecipients(operation: Operation, roomSize: number, others: number): number {
  switch (operation) {
    case 'room message':
    case 'join':
    case 'disconnect':
      return roomSize - 1;
    case 'namespace broadcast':
      return others + roomSize - 1;
    case 'direct message':
      return 1;
    default:
      return 0;
  }
}

function toRow(
  plan: CostPlan,
  lookup: Lookup,
  operation: Operation,
  roomSize: number,
  others: number,
  costs: readonly OperationCost[],
): CostRow {
  const last = costs[costs.length - 1];
  if (!last) throw new Error(`No measurement of ${operation}`);
  const key = (cost: OperationCost): string =>
    JSON.stringify([
      cost.dynamoDb.requests,
      cost.dynamoDb.rcu,
      cost.dynamoDb.wcu,
      cost.managementApiCalls,
    ]);
  const handlerMsMedian = median(costs.map((cost) => cost.handlerMs));
  const handlerCpuMsMedian = median(costs.map((cost) => cost.handlerCpuMs));
  const memoryMb = operationMemoryMb(operation, plan);
  const lambdaMs = lambdaMsAt(handlerMsMedian, handlerCpuMsMedian, memoryMb);
  return {
    lookup,
    operation,
    roomSize,
    others,
    expectedRecipients: expectedRecipients(operation, roomSize, others),
    dynamoDb: last.dynamoDb,
    managementApiCalls: last.managementApiCalls,
    lambdaInvocations: last.lambdaInvocations,
    messageUnits: last.messageUnits,
    handlerMsMedian: Math.round(handlerMsMedian * 100) / 100,
    handlerCpuMsMedian: Math.round(handlerCpuMsMedian * 100) / 100,
    lambdaMs: Math.round(lambdaMs * 100) / 100,
    stable: costs.every((cost) => key(cost) === key(last)),
    costPerMillion: costPerMillion({
      messageUnits: last.messageUnits,
      lambdaInvocations: last.lambdaInvocations,
      lambdaMsPerInvocation: lambdaMs,
      lambdaMemoryMb: memoryMb,
      rcu: last.dynamoDb.rcu,
      wcu: last.dynamoDb.wcu,
    }),
  };
}

function ids(prefix: string, count: number, from = 0): SocketId[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => benchId(prefix, from + i));
}

function elapsed(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
