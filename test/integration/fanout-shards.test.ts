import { APP_ENV } from '../../definitions/api';
import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { issuerToken } from '../support/local-issuer-tokens';
import { ProtocolClient } from '../support/protocol-client';

jest.setTimeout(60_000);

describe('Local runtime: a large room message is delivered in shards by the worker', () => {
  let runtime: LocalRuntime;
  const clients: ProtocolClient[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'oidc' },
      gateway: { logger: silentLogger },
      environment: { [APP_ENV.fanoutShardSize]: '3' },
    });
  });

  afterAll(async () => {
    for (const client of clients.splice(0)) client.ws.terminate();
    await runtime.close();
  });

  it('every member of a room of 10 gets the message exactly once, through worker invocations', async () => {
    // Prepare
    for (let i = 0; i < 10; i++) {
      const token = await issuerToken(runtime, { user: `user-${i}`, name: `User ${i}` });
      const client = await ProtocolClient.open(`${runtime.gateway.url}`, { token: token });
      clients.push(client);
      await client.request('join', { room: 'big' });
    }
    const [sender, ...others] = clients as [ProtocolClient, ...ProtocolClient[]];

    // Act
    const ack = await sender.request('chat', { room: 'big', message: 'hello all' });

    // Assess
    expect(ack).toEqual({ recipients: 9, room: 'big', seq: 1 });
    const isChat = (frame: { event?: unknown }) => frame.event === 'chat';
    const deadline = Date.now() + 10_000;
    while (others.some((client) => !client.frames.some(isChat)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Leave time for a duplicate, if any shard were delivered twice, to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const client of others) {
      expect(client.frames.filter(isChat)).toEqual([
        expect.objectContaining({ event: 'chat', data: 'hello all', room: 'big' }),
      ]);
    }
    expect(sender.frames.filter(isChat)).toEqual([]);
  });
});
