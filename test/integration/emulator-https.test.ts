import { Agent } from 'node:https';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import WebSocket from 'ws';
import type { Gateway } from '../../local/gateway';
import {
  type AnyEvent,
  gatewayPool,
  openClient,
  recordingFunctions,
  SDK_CONFIG,
} from './emulator-support';

const pool = gatewayPool();
afterAll(() => pool.stopAll());

describe('Emulator: the callback URL of the AWS docs, https://{domainName}/{stage}', () => {
  let gateway: Gateway;
  const callbackUrls: string[] = [];

  beforeAll(async () => {
    const { functions } = recordingFunctions({
      // As the AWS docs build it: the endpoint from the event, over HTTPS.
      message: async (event: AnyEvent) => {
        const { domainName, stage, connectionId } = event.requestContext as unknown as {
          domainName: string;
          stage: string;
          connectionId: string;
        };
        const endpoint = `https://${domainName}/${stage}`;
        callbackUrls.push(endpoint);
        const client = new ApiGatewayManagementApiClient({
          ...SDK_CONFIG,
          endpoint,
          maxAttempts: 1,
          requestHandler: { httpsAgent: new Agent({ ca: gateway.certificate }) },
        });
        await client.send(
          new PostToConnectionCommand({ ConnectionId: connectionId, Data: `echo ${event.body}` }),
        );
        client.destroy();
        return { statusCode: 200 };
      },
    });
    gateway = await pool.start({ functions });
  });

  it('reaches the management API from a handler with an SDK client on that URL', async () => {
    const client = await openClient(gateway.url);
    pool.track(client.ws);

    client.ws.send('hello');

    expect(await client.next()).toBe('echo hello');
    expect(callbackUrls).toEqual([gateway.secureManagementUrl]);
    expect(gateway.secureManagementUrl).toBe(`https://127.0.0.1:${gateway.port}/local`);
  });

  it('serves wss:// on the same port, with the certificate it publishes', async () => {
    const ws = pool.track(new WebSocket(gateway.secureUrl, { ca: gateway.certificate }));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const echoed = new Promise<string>((resolve) =>
      ws.once('message', (data) => resolve(data.toString())),
    );

    ws.send('over tls');

    expect(await echoed).toBe('echo over tls');
  });

  it('still serves plain HTTP on the same port; a TLS client that does not trust the certificate fails', async () => {
    const plain = await fetch(`http://127.0.0.1:${gateway.port}/nothing-here`);
    const untrusted = await fetch(`https://127.0.0.1:${gateway.port}/nothing-here`).then(
      () => 'connected',
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );

    expect(plain.status).toBe(404);
    expect(untrusted).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
