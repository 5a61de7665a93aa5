import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbMessageLog } from '../../../lambdas/adapters/dynamodb-message-log';
import { IN_FLIGHT_GRACE_MS } from '../../../lambdas/core/history-trim';
import { FakeChatTable } from '../../support/fake-chat-table';
import { describeMessageLogContract } from '../../support/message-log-contract';

const TABLE_NAME = 'chat';
const NOW = 1_700_000_000_500;
const NOW_SECONDS = 1_700_000_000;
const EXPIRES_AT = 1_700_003_600;
const ddbMock = mockClient(DynamoDBDocumentClient);

/** A log whose document client is intercepted by `ddbMock`, on a fixed clock. */
function logWith(options: { pageSize?: number; now?: () => number } = {}) {
  return new DynamoDbMessageLog({
    tableName: TABLE_NAME,
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })),
    now: () => NOW,
    ...options,
  });
}

/** A message item as the log stores it. */
function messageItem(seq: number, data: unknown = `message ${seq}`) {
  return {
    pk: 'hist#/chat#lobby',
    sk: `msg#${seq.toString().padStart(15, '0')}`,
    seq,
    event: 'chat',
    data: JSON.stringify(data),
    at: 1_700_000_000_000,
    ttl: EXPIRES_AT,
  };
}

function message(seq: number, data: unknown = `message ${seq}`) {
  return { seq, event: 'chat', data, at: 1_700_000_000_000 };
}

const QUERY = { limit: 50, maxLength: 1_000, maxBytes: 96_000 };

describe('Class: DynamoDbMessageLog', () => {
  beforeEach(() => {
    ddbMock.reset();
  });

  afterEach(() => {
    const commandNames = ddbMock.calls().map((call) => call.args[0].constructor.name);
    expect(commandNames).not.toContain('ScanCommand');
  });

  describe('Method: append', () => {
    it('takes the next seq from the counter with ADD, then puts the message under it', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({ Attributes: { seq: 7 } });
      ddbMock.on(PutCommand).resolves({});
      const log = logWith();

      // Act
      const stored = await log.append(
        '/chat',
        'lobby',
        {
          event: 'chat',
          data: { text: 'hi', deep: [1, { x: null }] },
          from: 'R1kmxc2VNjMCFIA=',
          user: { id: 'ada', name: 'Ada' },
          at: 1_700_000_000_000,
        },
        EXPIRES_AT,
      );

      // Assess
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE_NAME,
        Key: { pk: 'hist#/chat#lobby', sk: 'head' },
        UpdateExpression: 'ADD #seq :one SET #at = :at',
        ExpressionAttributeNames: { '#seq': 'seq', '#at': 'at' },
        ExpressionAttributeValues: { ':one': 1, ':at': expect.any(Number) },
        ReturnValues: 'UPDATED_NEW',
      });
      expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
        TableName: TABLE_NAME,
        Item: {
          pk: 'hist#/chat#lobby',
          sk: 'msg#000000000000007',
          seq: 7,
          event: 'chat',
          data: '{"text":"hi","deep":[1,{"x":null}]}',
          from: 'R1kmxc2VNjMCFIA=',
          user: { id: 'ada', name: 'Ada' },
          at: 1_700_000_000_000,
          ttl: EXPIRES_AT,
        },
      });
      expect(stored).toEqual({
        seq: 7,
        event: 'chat',
        data: { text: 'hi', deep: [1, { x: null }] },
        from: 'R1kmxc2VNjMCFIA=',
        user: { id: 'ada', name: 'Ada' },
        at: 1_700_000_000_000,
      });
    });

    it('writes no data, from or user attribute when the message has none', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({ Attributes: { seq: 1 } });
      ddbMock.on(PutCommand).resolves({});

      // Act
      await logWith().append(
        '/chat',
        'lobby',
        { event: 'tick', data: undefined, at: 5 },
        EXPIRES_AT,
      );

      // Assess
      const item = ddbMock.commandCalls(PutCommand)[0]?.args[0].input.Item;
      expect(Object.keys(item ?? {}).sort()).toEqual(['at', 'event', 'pk', 'seq', 'sk', 'ttl']);
    });

    it('rejects and puts nothing when the counter answers no seq', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});

      // Act
      const appending = logWith().append(
        '/chat',
        'lobby',
        { event: 'chat', data: 1, at: 5 },
        EXPIRES_AT,
      );

      // Assess
      await expect(appending).rejects.toThrow('answered no valid seq');
      expect(ddbMock).toHaveReceivedCommandTimes(PutCommand, 0);
    });
  });

  describe('Method: head', () => {
    it('reads the counter strongly consistently', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 42 } });

      // Act
      const head = await logWith().head('/chat', 'lobby');

      // Assess
      expect(head).toBe(42);
      expect(ddbMock).toHaveReceivedCommandWith(GetCommand, {
        TableName: TABLE_NAME,
        Key: { pk: 'hist#/chat#lobby', sk: 'head' },
        ConsistentRead: true,
      });
    });

    it('is 0 when the room has no counter', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({});

      // Act
      const head = await logWith().head('/chat', 'lobby');

      // Assess
      expect(head).toBe(0);
    });
  });

  describe('Method: read', () => {
    it('queries the seqs after since up to the head, consistently, ascending, without expired items', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 10 } });
      ddbMock
        .on(QueryCommand)
        .resolves({ Items: [4, 5, 6, 7, 8, 9, 10].map((seq) => messageItem(seq)) });

      // Act
      const page = await logWith().read('/chat', 'lobby', { ...QUERY, since: 3 });

      // Assess
      expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
        TableName: TABLE_NAME,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        FilterExpression: '#ttl > :now',
        ExpressionAttributeValues: {
          ':pk': 'hist#/chat#lobby',
          ':from': 'msg#000000000000004',
          ':to': 'msg#000000000000010',
          ':now': NOW_SECONDS,
        },
        ScanIndexForward: true,
        ConsistentRead: true,
        Limit: 50,
      });
      expect(page).toEqual({
        messages: [4, 5, 6, 7, 8, 9, 10].map((seq) => message(seq)),
        head: 10,
        trimmed: false,
      });
    });

    it('returns the message fields only, whatever else the item holds', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 1 } });
      ddbMock.on(QueryCommand).resolves({
        Items: [{ ...messageItem(1, { a: [1] }), user: { id: 'ada', name: 'Ada', extra: true } }],
      });

      // Act
      const page = await logWith().read('/chat', 'lobby', { ...QUERY, since: 0 });

      // Assess
      expect(page.messages).toEqual([
        { ...message(1, { a: [1] }), user: { id: 'ada', name: 'Ada' } },
      ]);
      expect(Object.keys(page.messages[0] ?? {}).sort()).toEqual([
        'at',
        'data',
        'event',
        'seq',
        'user',
      ]);
    });

    it('follows LastEvaluatedKey until the range is read', async () => {
      // Prepare
      const lastKey = { pk: 'hist#/chat#lobby', sk: 'msg#000000000000002' };
      ddbMock.on(GetCommand).resolves({ Item: { seq: 4 } });
      ddbMock
        .on(QueryCommand)
        .resolvesOnce({ Items: [messageItem(1), messageItem(2)], LastEvaluatedKey: lastKey })
        .resolvesOnce({ Items: [], LastEvaluatedKey: { ...lastKey, sk: 'msg#000000000000003' } })
        .resolvesOnce({ Items: [messageItem(4)] });

      // Act
      const page = await logWith({ pageSize: 2 }).read('/chat', 'lobby', { ...QUERY, since: 0 });

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(QueryCommand, 3);
      expect(ddbMock).toHaveReceivedNthSpecificCommandWith(2, QueryCommand, {
        ExclusiveStartKey: lastKey,
        Limit: 2,
      });
      expect(ddbMock).toHaveReceivedNthSpecificCommandWith(3, QueryCommand, {
        ExclusiveStartKey: { ...lastKey, sk: 'msg#000000000000003' },
      });
      expect(page.messages.map((m) => m.seq)).toEqual([1, 2, 4]);
      expect(page.next).toBeUndefined();
    });

    it('does not call a seq gone while its write may still land (read between counter and put)', async () => {
      // Prepare: seq 2 was handed out a second ago; its message is not written yet.
      ddbMock.on(GetCommand).resolves({ Item: { seq: 2, at: NOW - 1_000 } });
      ddbMock.on(QueryCommand).resolves({ Items: [] });

      // Act
      const fresh = await logWith().read('/chat', 'lobby', { ...QUERY, since: 1 });
      const overdue = await logWith({ now: () => NOW + IN_FLIGHT_GRACE_MS }).read(
        '/chat',
        'lobby',
        { ...QUERY, since: 1 },
      );

      // Assess
      expect(fresh).toEqual({ messages: [], head: 2, trimmed: false });
      expect(overdue).toEqual({ messages: [], head: 2, trimmed: true });
      expect(ddbMock).toHaveReceivedCommandWith(GetCommand, {
        ProjectionExpression: '#seq, #at',
        ConsistentRead: true,
      });
    });

    it('asks each page for no more items than the page still needs', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 20 } });
      ddbMock
        .on(QueryCommand)
        .resolvesOnce({
          Items: [messageItem(3), messageItem(4)],
          LastEvaluatedKey: { pk: 'hist#/chat#lobby', sk: 'msg#000000000000005' },
        })
        .resolvesOnce({ Items: [messageItem(6), messageItem(7), messageItem(8)] });

      // Act
      const page = await logWith().read('/chat', 'lobby', { ...QUERY, since: 0, limit: 5 });

      // Assess
      expect(ddbMock).toHaveReceivedNthSpecificCommandWith(1, QueryCommand, { Limit: 5 });
      expect(ddbMock).toHaveReceivedNthSpecificCommandWith(2, QueryCommand, { Limit: 3 });
      expect(page).toEqual({
        messages: [3, 4, 6, 7, 8].map((seq) => message(seq)),
        head: 20,
        next: 8,
        // 1 and 2 are missing, but message 3 is too recent for them to be surely gone.
        trimmed: false,
      });
    });

    it('stops paginating once the page is full, LastEvaluatedKey or not', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 9 } });
      ddbMock.on(QueryCommand).resolves({
        Items: [messageItem(1), messageItem(2)],
        LastEvaluatedKey: { pk: 'hist#/chat#lobby', sk: 'msg#000000000000002' },
      });

      // Act
      const page = await logWith().read('/chat', 'lobby', { ...QUERY, since: 0, limit: 2 });

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(QueryCommand, 1);
      expect(page).toEqual({
        messages: [message(1), message(2)],
        head: 9,
        next: 2,
        trimmed: false,
      });
    });

    it('stops before the message that would go over maxBytes', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 3 } });
      ddbMock
        .on(QueryCommand)
        .resolves({ Items: [1, 2, 3].map((seq) => messageItem(seq, 'x'.repeat(100))) });
      const size = Buffer.byteLength(JSON.stringify(message(1, 'x'.repeat(100))));

      // Act
      const page = await logWith().read('/chat', 'lobby', {
        ...QUERY,
        since: 0,
        maxBytes: size * 2,
      });

      // Assess
      expect(page.messages.map((m) => m.seq)).toEqual([1, 2]);
      expect(page.next).toBe(2);
    });

    it('reads only the last maxLength seqs and says the older ones are trimmed', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 100 } });
      ddbMock.on(QueryCommand).resolves({ Items: [messageItem(91)] });

      // Act
      const page = await logWith().read('/chat', 'lobby', { ...QUERY, since: 5, maxLength: 10 });

      // Assess
      expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
        ExpressionAttributeValues: expect.objectContaining({
          ':from': 'msg#000000000000091',
          ':to': 'msg#000000000000100',
        }),
      });
      expect(page.trimmed).toBe(true);
    });

    it('reads the latest limit seqs when since is not given', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 100 } });
      ddbMock.on(QueryCommand).resolves({ Items: [98, 99, 100].map((seq) => messageItem(seq)) });

      // Act
      const page = await logWith().read('/chat', 'lobby', { ...QUERY, limit: 3 });

      // Assess
      expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
        ExpressionAttributeValues: expect.objectContaining({
          ':from': 'msg#000000000000098',
          ':to': 'msg#000000000000100',
        }),
        Limit: 3,
      });
      expect(page).toEqual({
        messages: [98, 99, 100].map((seq) => message(seq)),
        head: 100,
        trimmed: false,
      });
    });

    it('says trimmed when nothing after since is readable any more', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 6 } });
      ddbMock.on(QueryCommand).resolves({ Items: [] });

      // Act
      const page = await logWith().read('/chat', 'lobby', { ...QUERY, since: 2 });

      // Assess
      expect(page).toEqual({ messages: [], head: 6, trimmed: true });
    });

    it('sends no Query when nothing follows since', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: { seq: 6 } });

      // Act
      const page = await logWith().read('/chat', 'lobby', { ...QUERY, since: 6 });

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(QueryCommand, 0);
      expect(page).toEqual({ messages: [], head: 6, trimmed: false });
    });

    it('rejects a limit below 1 before reading anything', async () => {
      // Act
      const reading = logWith().read('/chat', 'lobby', { ...QUERY, limit: 0 });

      // Assess
      await expect(reading).rejects.toBeInstanceOf(RangeError);
      expect(ddbMock.calls()).toHaveLength(0);
    });
  });
});

describe('FakeChatTable behind DynamoDbMessageLog', () => {
  const table = new FakeChatTable(TABLE_NAME);

  describeMessageLogContract('DynamoDbMessageLog on FakeChatTable', ({ now }) => {
    ddbMock.reset();
    table.clear();
    table.attach(ddbMock);
    return logWith({ pageSize: 3, now });
  });
});
