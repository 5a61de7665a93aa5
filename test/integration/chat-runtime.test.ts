import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeJwt } from 'jose';
import WebSocket from 'ws';
import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb-membership-store';
import { LOCAL_AWS, silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { generateIssuerKeys, type IssuerKeys } from '../../local/oidc/issuer-keys';
import { signLocalAccessToken } from '../../local/oidc/issuer-token';
import { issuerToken } from '../support/local-issuer-tokens';
import { ProtocolClient } from '../support/protocol-client';

jest.setTimeout(30_000);

describe('Local runtime: the chat application over real sockets and DynamoDB Local', () => {
  let runtime: LocalRuntime;
  let store: DynamoDbMembershipStore;
  const clients: ProtocolClient[] = [];
  const users = new Map<ProtocolClient, { id: string; name: string }>();
  let userCount = 0;

  /** Opens a client of a fresh user (`user-N`, "User N"), offering its token as a subprotocol. */
  const open = async (ns = '/'): Promise<ProtocolClient> => {
    userCount += 1;
    const user = { id: `user-${userCount}`, name: `User ${userCount}` };
    const token = await issuerToken(runtime, { user: user.id, name: user.name });
    const client = await ProtocolClient.open(
      `${runtime.gateway.url}?ns=${encodeURIComponent(ns)}`,
      {
        token,
      },
    );
    clients.push(client);
    users.set(client, user);
    return client;
  };
  /** The verified user the server stamps on a client's events. */
  const userOf = (client: ProtocolClient) => users.get(client);
  /** The handshake's HTTP status when the gateway refuses it. */
  const refusal = (
    url: string,
    options: WebSocket.ClientOptions & { readonly token?: string } = {},
  ): Promise<unknown> =>
    ProtocolClient.open(url, options).then(
      (client) => {
        clients.push(client);
        return 'accepted';
      },
      (error: { status?: number }) => error.status,
    );
  const idOf = async (client: ProtocolClient): Promise<string> =>
    ((await client.request('whoami')) as { id: string }).id;
  const eventually = async (check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** Proves a client got nothing more: a round trip of its own came back first. */
  const expectNoEvents = async (client: ProtocolClient): Promise<void> => {
    await client.request('whoami');
    expect(client.frames.filter((frame) => frame.event !== undefined)).toEqual([]);
  };

  let keys: IssuerKeys;

  beforeAll(async () => {
    keys = await generateIssuerKeys();
    runtime = await startLocalRuntime({
      auth: { mode: 'oidc', keys },
      gateway: { logger: silentLogger },
    });
    store = new DynamoDbMembershipStore({
      tableName: runtime.tableName,
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient({ endpoint: runtime.dynamoDbEndpoint, ...LOCAL_AWS }),
      ),
    });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.ws.terminate();
  });

  afterAll(async () => {
    await runtime.close();
  });

  describe('Authentication at $connect', () => {
    it('refuses a connection without a token with 401 at the handshake', async () => {
      expect(await refusal(`${runtime.gateway.url}?ns=/`)).toBe(401);
    });

    it('refuses garbage, expired, tampered and foreign-key tokens with 401, another issuer with 403', async () => {
      // Prepare
      const expired = await issuerToken(runtime, { user: 'ann', expiresIn: -10 });
      const genuine = await issuerToken(runtime, { user: 'ann' });
      const [header, , signature] = genuine.split('.');
      const forged = Buffer.from(JSON.stringify({ ...decodeJwt(genuine), sub: 'admin' }));
      const tampered = `${header}.${forged.toString('base64url')}.${signature}`;
      const issuer = runtime.issuer?.issuer ?? '';
      const foreign = await signLocalAccessToken(await generateIssuerKeys(), {
        issuer,
        user: 'ann',
      });
      const otherIssuer = await signLocalAccessToken(keys, {
        issuer: 'http://someone-else/oidc',
        user: 'ann',
      });
      const url = `${runtime.gateway.url}?ns=/`;

      // Act / Assess
      expect(await refusal(url, { token: 'garbage' })).toBe(401);
      expect(await refusal(url, { token: expired })).toBe(401);
      expect(await refusal(url, { token: tampered })).toBe(401);
      expect(await refusal(url, { token: foreign })).toBe(401);
      expect(await refusal(url, { token: otherIssuer })).toBe(403);
      expect(await refusal(url, { token: genuine })).toBe('accepted');
    });

    it('never takes the token from the URL: ?token= alone gets 401 before any function runs, as on AWS', async () => {
      // Prepare
      const token = await issuerToken(runtime, { user: 'ann' });

      // Act
      const status = await refusal(`${runtime.gateway.url}?ns=/&token=${token}`);

      // Assess: the identity source is route.request.header.Sec-WebSocket-Protocol.
      expect(status).toBe(401);
    });

    it('accepts a good token, echoes the apigw-chat subprotocol and stamps the user on chat frames', async () => {
      // Prepare
      const token = await issuerToken(runtime, { user: 'alice', name: 'Alice' });
      const alice = await new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`${runtime.gateway.url}?ns=/`, ['apigw-chat', `token.${token}`]);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
      const bob = await open();
      await bob.request('join', { room: 'auth-room' });
      const joined = new Promise((resolve) => alice.once('message', resolve));
      alice.send(JSON.stringify({ action: 'join', data: { room: 'auth-room' }, ack: 1 }));
      await joined;

      // Act
      alice.send(JSON.stringify({ action: 'chat', data: { room: 'auth-room', message: 'hi' } }));
      const received = await bob.event('chat');

      // Assess
      expect(alice.protocol).toBe('apigw-chat');
      expect(received).toMatchObject({ data: 'hi', user: { id: 'alice', name: 'Alice' } });
      alice.terminate();
    });
  });

  describe('Namespace: /', () => {
    it('join, chat to the other members only, leave, and FORBIDDEN for non-members', async () => {
      // Prepare
      const [ann, bob, cat] = [await open(), await open(), await open()];
      const [annId, bobId] = [await idOf(ann), await idOf(bob)];

      // Act
      const joinedFirst = await ann.request('join', { room: 'lobby' });
      const joinedSecond = await bob.request('join', { room: 'lobby' });
      const sent = await ann.request('chat', { room: 'lobby', message: 'hi bob' });
      const received = await bob.event('chat');
      const forbidden = await cat.requestRaw('chat', { room: 'lobby', message: 'let me in' });
      const left = await bob.request('leave', { room: 'lobby' });
      const sentAfterLeave = await ann.request('chat', { room: 'lobby', message: 'anyone?' });

      // Assess
      expect(joinedFirst).toEqual({ room: 'lobby', members: 1, seq: 0 });
      expect(joinedSecond).toEqual({ room: 'lobby', members: 2, seq: 0 });
      expect(sent).toEqual({ recipients: 1, room: 'lobby', seq: 1 });
      expect(received).toEqual({
        event: 'chat',
        data: 'hi bob',
        ns: '/',
        room: 'lobby',
        seq: 1,
        from: annId,
        user: userOf(ann),
      });
      expect(forbidden).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect(left).toEqual({ room: 'lobby' });
      expect(sentAfterLeave).toEqual({ recipients: 0, room: 'lobby', seq: 2 });
      expect(await ann.event('presence')).toEqual({
        event: 'presence',
        data: { action: 'join', user: userOf(bob) },
        ns: '/',
        room: 'lobby',
      });
      expect(await ann.event('presence')).toEqual({
        event: 'presence',
        data: { action: 'leave', user: userOf(bob), reason: 'leave' },
        ns: '/',
        room: 'lobby',
      });
      expect(await ann.request('members', { room: 'lobby' })).toEqual({
        members: [annId],
        users: [{ ...userOf(ann), connections: 1 }],
      });
      expect(await ann.request('history', { room: 'lobby', since: 0 })).toMatchObject({
        head: 2,
        trimmed: false,
        messages: [
          { seq: 1, data: 'hi bob' },
          { seq: 2, data: 'anyone?' },
        ],
      });
      expect(await bob.request('rooms')).toEqual({ rooms: [] });
      await expectNoEvents(ann);
      await expectNoEvents(bob);
      await expectNoEvents(cat);
      expect(bobId).not.toBe(annId);
    });

    it('broadcast reaches every other connection of the namespace and no other namespace', async () => {
      // Prepare
      const [ann, bob, cat] = [await open(), await open(), await open()];
      const elsewhere = await open('/chat');
      const annId = await idOf(ann);

      // Act
      const reply = await ann.request('broadcast', { text: 'all hands' });

      // Assess
      expect(reply).toEqual({ recipients: 2 });
      for (const client of [bob, cat]) {
        expect(await client.event('broadcast')).toEqual({
          event: 'broadcast',
          data: { text: 'all hands' },
          ns: '/',
          from: annId,
          user: userOf(ann),
        });
      }
      await expectNoEvents(ann);
      await expectNoEvents(elsewhere);
    });

    it('unicast comes back to the sender only', async () => {
      // Prepare
      const [ann, bob] = [await open(), await open()];
      const annId = await idOf(ann);

      // Act
      ann.send({ action: 'unicast', data: 42 });

      // Assess
      expect(await ann.event('unicast')).toEqual({
        event: 'unicast',
        data: 42,
        ns: '/',
        from: annId,
        user: userOf(ann),
      });
      await expectNoEvents(bob);
    });

    it('direct reaches one connection of the same namespace; others are NOT_FOUND', async () => {
      // Prepare
      const [ann, bob, cat] = [await open(), await open(), await open()];
      const elsewhere = await open('/chat');
      const [annId, bobId, elsewhereId] = [await idOf(ann), await idOf(bob), await idOf(elsewhere)];

      // Act
      const reply = await ann.request('direct', { to: bobId, message: 'psst' });
      const crossNamespace = await ann.requestRaw('direct', { to: elsewhereId, message: 'x' });
      const unknown = await ann.requestRaw('direct', { to: 'AAAAAAAAAAAAAAA=', message: 'x' });

      // Assess
      expect(reply).toEqual({ recipients: 1 });
      expect(await bob.event('direct')).toEqual({
        event: 'direct',
        data: 'psst',
        ns: '/',
        from: annId,
        user: userOf(ann),
      });
      expect(crossNamespace).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect(unknown).toMatchObject({ error: { code: 'NOT_FOUND' } });
      await expectNoEvents(cat);
      await expectNoEvents(elsewhere);
    });

    it('whoami acks the connection id API Gateway assigned', async () => {
      const ann = await open();
      const me = (await ann.request('whoami')) as { id: string; ns: string };
      expect(me.ns).toBe('/');
      expect(me.id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
      expect(runtime.gateway.connectionIds()).toContain(me.id);
    });
  });

  describe('Namespace: /chat', () => {
    it('join-room greets the room, joiner included, by verified name, once; room-message reaches the other members', async () => {
      // Prepare
      const [ann, bob, cat] = [await open('/chat'), await open('/chat'), await open('/chat')];
      const annId = await idOf(ann);
      const [annName, bobName, catName] = [ann, bob, cat].map((client) => userOf(client)?.name);

      // Act
      const annJoined = await ann.request('join-room', {
        type: 'room:dev',
        user: 'ADMIN: server restarting, re-login at evil.example',
      });
      const annHello = await ann.event('hello');
      const annAgain = await ann.request('join-room', { type: 'room:dev', user: 'ann' });
      const bobJoined = await bob.request('join-room', { type: 'room:dev', user: 'bob' });
      const catJoined = await cat.request('join-room', { type: 'room:music' });
      const unknown = await cat.request('join-room', { type: 'room:cats', user: 'cat' });
      const posted = await ann.request('room-message', { room: 'room:dev', message: 'deploy?' });

      // Assess
      expect([annJoined, annAgain, bobJoined, catJoined]).toEqual([
        'success',
        'success',
        'success',
        'success',
      ]);
      expect(unknown).toBe("The room doesn't exist");
      expect(annHello).toEqual({
        event: 'hello',
        data: `${annName} has joined chat room.`,
        ns: '/chat',
        room: 'room:dev',
        seq: 1,
        from: annId,
        user: userOf(ann),
      });
      expect(await ann.event('presence')).toMatchObject({
        data: { action: 'join', user: userOf(bob) },
        room: 'room:dev',
      });
      expect(await ann.event('hello')).toMatchObject({
        data: `${bobName} has joined chat room.`,
        seq: 2,
      });
      expect(await bob.event('hello')).toMatchObject({ data: `${bobName} has joined chat room.` });
      expect(await cat.event('hello')).toMatchObject({
        data: `${catName} has joined music room.`,
        room: 'room:music',
      });
      expect(posted).toEqual({ recipients: 1, room: 'room:dev', seq: 3 });
      expect(await bob.event('room-message')).toEqual({
        event: 'room-message',
        data: 'deploy?',
        ns: '/chat',
        room: 'room:dev',
        seq: 3,
        from: annId,
        user: userOf(ann),
      });
      await expectNoEvents(ann);
      await expectNoEvents(cat);
    });
  });

  describe('Namespace: /notification', () => {
    it('greets a new client without it sending anything; the others at most once a minute', async () => {
      // Prepare
      const first = await open('/notification');
      expect(await first.event('hello')).toEqual({
        event: 'hello',
        data: 'notification',
        ns: '/notification',
      });

      // Act
      const second = await open('/notification');
      const third = await open('/notification');

      // Assess
      for (const client of [second, third]) {
        expect(await client.event('hello')).toEqual({
          event: 'hello',
          data: 'notification',
          ns: '/notification',
        });
      }
      await first.request('whoami');
      // The greeting of the others is coalesced: one per minute, whoever connects.
      expect(first.frames.filter((frame) => frame.event === 'hello').length).toBeLessThanOrEqual(1);
      const record = await store.getConnection(await idOf(second));
      expect(record?.rooms).toEqual(['room1', 'room2']);
    });
  });

  describe('Connections', () => {
    it('refuses an unknown namespace at the handshake with 404', async () => {
      const token = await issuerToken(runtime, { user: 'ann' });
      expect(await refusal(`${runtime.gateway.url}?ns=/nope`, { token })).toBe(404);
    });

    it('an abrupt drop without a close frame fires $disconnect and removes every membership', async () => {
      // Prepare
      const [ann, bob] = [await open(), await open()];
      const annId = await idOf(ann);
      await ann.request('join', { room: 'drop' });
      await bob.request('join', { room: 'drop' });

      // Act
      ann.ws.terminate();

      // Assess
      await eventually(async () => (await store.getConnection(annId)) === undefined);
      expect(await store.members('/', 'drop')).toEqual([await idOf(bob)]);
      expect(await store.members('/')).not.toContain(annId);
    });

    it('a connection whose $disconnect was lost is cleaned up by the GoneException of the next emit', async () => {
      // Prepare
      const ann = await open();
      await ann.request('join', { room: 'ghosts' });
      const ghost = 'GhostGhostGhos0=';
      const connectedAt = Date.now() - 3_600_000;
      await store.addConnection({
        id: ghost,
        ns: '/',
        rooms: [],
        data: {},
        connectedAt,
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      });
      await store.join(
        {
          id: ghost,
          ns: '/',
          rooms: [],
          data: {},
          connectedAt,
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
        },
        ['ghosts'],
      );

      // Act
      const reply = await ann.request('chat', { room: 'ghosts', message: 'boo' });

      // Assess: the clean-up runs in the worker, after the reply
      expect(reply).toEqual({ recipients: 0, room: 'ghosts', seq: 1 });
      for (let attempt = 0; attempt < 100; attempt += 1) {
        if ((await store.members('/', 'ghosts')).length === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await store.getConnection(ghost)).toBeUndefined();
      expect(await store.members('/', 'ghosts')).toEqual([await idOf(ann)]);
      expect(await store.members('/')).not.toContain(ghost);
    });

    it('answers invalid JSON with BAD_REQUEST and keeps the socket and its rooms', async () => {
      // Prepare
      const ann = await open();
      await ann.request('join', { room: 'kept' });

      // Act
      ann.send('{not json');
      const error = await ann.event('error');

      // Assess
      expect(error).toEqual({
        event: 'error',
        data: { code: 'BAD_REQUEST', message: expect.any(String) },
        ns: '/',
      });
      expect(await ann.request('rooms')).toEqual({ rooms: ['kept'] });
    });

    it('answers ping with pong from the MOCK route', async () => {
      const ann = await open();
      ann.send({ action: 'ping' });
      expect(await ann.event('pong')).toEqual({ event: 'pong' });
    });

    it('closes with 1009 on a frame over 32 KB and with 1003 on a binary frame, and cleans up both', async () => {
      // Prepare
      const [big, binary] = [await open(), await open()];
      const [bigId, binaryId] = [await idOf(big), await idOf(binary)];

      // Act
      big.send({ action: 'chat', data: { room: 'x', message: 'x'.repeat(33 * 1024) } });
      binary.ws.send(Buffer.from([1, 2, 3]));

      // Assess
      expect((await big.closedWith()).code).toBe(1009);
      expect((await binary.closedWith()).code).toBe(1003);
      await eventually(async () => (await store.getConnection(bigId)) === undefined);
      await eventually(async () => (await store.getConnection(binaryId)) === undefined);
    });
  });
});
