import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb-membership-store';
import { LOCAL_AWS, silentLogger } from '../../local/gateway';
import { PostFaultPlan } from '../../local/gateway/post-faults';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { ProtocolClient } from '../support/protocol-client';

/** The user anonymous mode stamps: a guest identity of the authorizer's. */
const ANONYMOUS_GUEST = {
  id: expect.stringMatching(/^guest-/),
  name: expect.stringMatching(/^Guest /),
};

jest.setTimeout(30_000);

describe('Local runtime: posts that fail with injected @connections errors', () => {
  const faults = new PostFaultPlan();
  let runtime: LocalRuntime;
  let store: DynamoDbMembershipStore;
  const clients: ProtocolClient[] = [];

  const open = async (): Promise<ProtocolClient> => {
    const client = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`);
    clients.push(client);
    return client;
  };
  const idOf = async (client: ProtocolClient): Promise<string> =>
    ((await client.request('whoami')) as { id: string }).id;
  /** Proves a client got nothing more: a round trip of its own came back first. */
  const expectNoEvents = async (client: ProtocolClient): Promise<void> => {
    await client.request('whoami');
    expect(client.frames.filter((frame) => frame.event !== undefined)).toEqual([]);
  };
  /** Ann, Bob and Cat in one room, with Bob's id. */
  const threeInRoom = async (room: string) => {
    const [ann, bob, cat] = [await open(), await open(), await open()];
    for (const client of [ann, bob, cat]) await client.request('join', { room });
    // Each join was announced to the members before it (presence); a round trip makes sure
    // those frames are in, then they are dropped: the tests are about the chat that follows.
    for (const client of [ann, bob, cat]) {
      await client.request('whoami');
      client.frames.splice(0);
    }
    return { ann, bob, cat, annId: await idOf(ann), bobId: await idOf(bob) };
  };

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'anonymous' },
      gateway: { logger: silentLogger, postFaults: faults.injector },
    });
    store = new DynamoDbMembershipStore({
      tableName: runtime.tableName,
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient({ endpoint: runtime.dynamoDbEndpoint, ...LOCAL_AWS }),
      ),
    });
  });

  afterEach(() => {
    faults.clear();
    for (const client of clients.splice(0)) client.ws.terminate();
  });

  afterAll(async () => {
    await runtime.close();
  });

  it('retries a recipient throttled twice: it gets the message once, the others are unaffected', async () => {
    // Prepare
    const { ann, bob, cat, annId, bobId } = await threeInRoom('throttled');
    faults.inject(bobId, [429, 429]);
    const postsBefore = faults.posts(bobId);

    // Act
    const reply = await ann.request('chat', { room: 'throttled', message: 'hello?' });

    // Assess
    const frame = {
      event: 'chat',
      data: 'hello?',
      ns: '/',
      room: 'throttled',
      seq: 1,
      from: annId,
      user: ANONYMOUS_GUEST,
    };
    expect(reply).toEqual({ recipients: 2, room: 'throttled', seq: 1 });
    expect(await bob.event('chat')).toEqual(frame);
    expect(await cat.event('chat')).toEqual(frame);
    expect(faults.posts(bobId) - postsBefore).toBe(3);
    await expectNoEvents(bob);
    await expectNoEvents(cat);
    await expectNoEvents(ann);
  });

  it('leaves out a recipient whose posts keep failing with 500, and keeps its membership', async () => {
    // Prepare
    const { ann, bob, cat, annId, bobId } = await threeInRoom('broken');
    faults.failAlways(bobId, 500);
    const postsBefore = faults.posts(bobId);

    // Act
    const reply = await ann.request('chat', { room: 'broken', message: 'anyone?' });

    // Assess
    expect(reply).toEqual({ recipients: 1, room: 'broken', seq: 1 });
    expect(await cat.event('chat')).toEqual({
      event: 'chat',
      data: 'anyone?',
      ns: '/',
      room: 'broken',
      seq: 1,
      from: annId,
      user: ANONYMOUS_GUEST,
    });
    // The delivery's 3 retries, and no SDK retries under them (`maxAttempts: 1`).
    expect(faults.posts(bobId) - postsBefore).toBe(4);
    await expectNoEvents(bob);
    expect(await store.getConnection(bobId)).toMatchObject({ rooms: ['broken'] });
    expect(await store.members('/', 'broken')).toContain(bobId);
  });

  it('reaches the recipient again once the failures stop', async () => {
    // Prepare
    const { ann, bob, bobId } = await threeInRoom('recovers');
    faults.failAlways(bobId, 503);
    expect(await ann.request('chat', { room: 'recovers', message: 'one' })).toEqual({
      recipients: 1,
      room: 'recovers',
      seq: 1,
    });
    faults.clear(bobId);

    // Act
    const reply = await ann.request('chat', { room: 'recovers', message: 'two' });

    // Assess
    expect(reply).toEqual({ recipients: 2, room: 'recovers', seq: 2 });
    expect(await bob.event('chat')).toMatchObject({ data: 'two', seq: 2 });
    await expectNoEvents(bob);
  });
});
