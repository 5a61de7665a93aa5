import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { benchId, CostHarness, type Lookup } from '../../bench/cost/cost-harness';
import { BUDGET_PRICE_CEILING, PRICES } from '../../bench/cost/prices';
import {
  createChatTable,
  createDynamoDbLocalClient,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';

jest.setTimeout(120_000);

const ROOM = 'cost-room';
const ROOM_SIZE = 10;

let dynamoDb: DynamoDbLocal;
const clients: DynamoDBClient[] = [];
let tables = 0;

beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal();
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await dynamoDb?.stop();
});

function client(): DynamoDBClient {
  const created = createDynamoDbLocalClient(dynamoDb.endpoint);
  clients.push(created);
  return created;
}

/** A room of 10 in namespace `/`, measured by `lookup`, with the rest of the namespace grown on demand. */
async function roomOfTen(lookup: Lookup) {
  const seedClient = client();
  const tableName = `chat-cost-${++tables}`;
  await createChatTable({ client: seedClient, tableName });
  const harness = new CostHarness({ measuredClient: client(), seedClient, tableName, lookup });
  const members = Array.from({ length: ROOM_SIZE }, (_, i) => benchId('R', i));
  await harness.seed(members, [ROOM]);
  let others = 0;
  return {
    harness,
    sender: members[0] as string,
    /** Adds connections outside the room until the namespace holds `size`. */
    growNamespaceTo: async (size: number) => {
      const wanted = size - ROOM_SIZE;
      await harness.seed(
        Array.from({ length: wanted - others }, (_, i) => benchId('O', others + i)),
      );
      others = wanted;
    },
  };
}

describe('Cost of a room message (DynamoDB Local)', () => {
  it('does not depend on the size of the namespace, and posts once per recipient', async () => {
    // Prepare
    const { harness, sender, growNamespaceTo } = await roomOfTen('query');
    await growNamespaceTo(50);
    await harness.chat(sender, ROOM); // warm-up

    // Act
    const small = await harness.chat(sender, ROOM);
    await growNamespaceTo(500);
    const large = await harness.chat(sender, ROOM);

    // Assess
    expect(small.dynamoDb.requests).toBeGreaterThan(0);
    expect(small.dynamoDb.rcu).toBeGreaterThan(0);
    expect(large.dynamoDb.requests).toBe(small.dynamoDb.requests);
    expect(large.dynamoDb.byCommand).toEqual(small.dynamoDb.byCommand);
    expect(large.dynamoDb.rcu).toBe(small.dynamoDb.rcu);
    expect(large.dynamoDb.wcu).toBe(small.dynamoDb.wcu);
    // The user's budget (UpdateItem), the room being durable, the counter's UpdateItem and the
    // message's PutItem, and the frame's turn (UpdateItem: frames are numbered, as the client
    // SDK numbers them, for the per-sender order): 1 WCU each.
    expect(small.dynamoDb.byCommand).toEqual({
      GetItemCommand: 1,
      QueryCommand: 1,
      UpdateItemCommand: 3,
      PutItemCommand: 1,
    });
    const seqs: number[] = [];
    for (const cost of [small, large]) {
      expect(cost.dynamoDb.writeRequests).toBe(4);
      expect(cost.dynamoDb.wcu).toBe(4);
      expect(cost.managementApiCalls).toBe(ROOM_SIZE - 1);
      expect(cost.lambdaInvocations).toBe(1);
      // The handler's own CPU, which Lambda stretches to its memory's share.
      expect(cost.handlerCpuMs).toBeGreaterThan(0);
      const reply = JSON.parse(cost.reply ?? '{}');
      expect(reply).toEqual({
        ack: 1,
        data: { recipients: ROOM_SIZE - 1, room: ROOM, seq: expect.any(Number) },
      });
      seqs.push(reply.data.seq);
    }
    expect(seqs[1]).toBe((seqs[0] ?? 0) + 1);
  });

  it('grows with the namespace under the Scan-all baseline (the measurement can tell)', async () => {
    // Prepare
    const { harness, sender, growNamespaceTo } = await roomOfTen('scan-all');
    await growNamespaceTo(50);

    // Act
    const small = await harness.chat(sender, ROOM);
    await growNamespaceTo(500);
    const large = await harness.chat(sender, ROOM);

    // Assess
    expect(large.dynamoDb.rcu).toBeGreaterThan(small.dynamoDb.rcu);
    expect(large.managementApiCalls).toBe(ROOM_SIZE - 1);
  });

  it('costs the sender the same DynamoDB requests when a member at the room cap (100 rooms) is gone: one hand-over to the worker', async () => {
    // Prepare
    const { harness, sender } = await roomOfTen('query');
    await harness.chat(sender, ROOM); // warm-up
    const normal = await harness.chat(sender, ROOM);

    // Act
    const gone = benchId('G', 0);
    const past = await harness.chatPastGoneMember(sender, ROOM, gone, 100);

    // Assess
    expect(past.dynamoDb.requests).toBe(normal.dynamoDb.requests);
    expect(past.dynamoDb.byCommand).toEqual(normal.dynamoDb.byCommand);
    expect(past.managementApiCalls).toBe(normal.managementApiCalls + 1);
    expect(past.lambdaInvocations).toBe(normal.lambdaInvocations + 1);
    expect(past.goneHandedOver).toBe(1);
    expect(normal.goneHandedOver).toBe(0);
  });

  it('pays for the per-user message budget with one write unit per message, under $0.70 per million', async () => {
    // Prepare
    const { harness } = await roomOfTen('query');
    await harness.budget();

    // Act
    const budget = await harness.budget();

    // Assess
    expect(budget.dynamoDb.byCommand).toEqual({ UpdateItemCommand: 1 });
    expect(budget.dynamoDb.wcu).toBe(1);
    expect(budget.dynamoDb.wcu * PRICES.dynamoDbWriteUnitPerMillion).toBeLessThan(
      BUDGET_PRICE_CEILING,
    );
  });

  it('costs the same with half the room Socket.IO clients: same requests and posts, the message encoded once per protocol', async () => {
    // Prepare
    const { harness, sender } = await roomOfTen('query');
    await harness.chat(sender, ROOM);
    const jsonOnly = await harness.chat(sender, ROOM);
    const socketIo = Array.from({ length: 5 }, (_, i) => benchId('Y', i));
    const jsonMore = Array.from({ length: 5 }, (_, i) => benchId('Z', i));

    // Act: 5 more members of each protocol.
    await harness.seed(jsonMore, [ROOM]);
    const moreJson = await harness.chat(sender, ROOM);
    await harness.unseed(jsonMore);
    await harness.seed(socketIo, [ROOM], 8, Date.now(), true);
    const mixed = await harness.chat(sender, ROOM);

    // Assess
    expect(jsonOnly.framesEncoded).toBe(1);
    expect(moreJson.framesEncoded).toBe(1);
    expect(mixed.framesEncoded).toBe(2);
    expect(mixed.managementApiCalls).toBe(moreJson.managementApiCalls);
    expect(mixed.dynamoDb.byCommand).toEqual(moreJson.dynamoDb.byCommand);
  });
});
