import { request } from 'node:http';
import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';

jest.setTimeout(60_000);

interface Answer {
  readonly status: number;
  readonly errorType: string | undefined;
}

/** One HTTP request to the runtime's port with this `Host` header, as a rebound page would send it. */
function send(
  port: number,
  options: { method: string; path: string; host: string; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method,
        path: options.path,
        headers: { Host: options.host, 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            errorType: res.headers['x-amzn-errortype'] as string | undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body ?? '');
  });
}

describe('Local runtime: DNS-rebinding defence (Host must name this machine)', () => {
  let runtime: LocalRuntime;
  let port: number;

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'oidc' },
      gateway: { logger: silentLogger },
    });
    port = runtime.gateway.port;
  });

  afterAll(async () => {
    await runtime.close();
  });

  const FOREIGN = ['evil.example', 'localhost.evil.example', '127.0.0.1.nip.io'];
  const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

  it.each([
    ['@connections POST', 'POST', '/local/@connections/AAAAAAAAAAAAAAA%3D', '{"event":"x"}'],
    ['@connections DELETE', 'DELETE', '/local/@connections/AAAAAAAAAAAAAAA%3D', undefined],
    ['the Lambda invoke API', 'POST', '/2015-03-31/functions/no-such-function/invocations', '{}'],
    ['the issuer discovery', 'GET', '/oidc/.well-known/openid-configuration', undefined],
    ['the issuer token endpoint', 'POST', '/oidc/token', 'grant_type=client_credentials'],
    ['the issuer sign-in', 'GET', '/oidc/auth?client_id=chat-page', undefined],
  ])('%s: 403 ForbiddenException for a foreign Host', async (_route, method, path, body) => {
    for (const name of FOREIGN) {
      const answer = await send(port, { method, path, body, host: `${name}:${port}` });
      expect({ name, ...answer }).toEqual({ name, status: 403, errorType: 'ForbiddenException' });
    }
  });

  it('answers the same requests as before for localhost, 127.0.0.1 and [::1]', async () => {
    for (const name of LOOPBACK) {
      const host = `${name}:${port}`;
      // Unsigned: refused by the signature check, as on AWS, not by the Host check.
      await expect(
        send(port, { method: 'POST', path: '/local/@connections/AAAAAAAAAAAAAAA%3D', host }),
      ).resolves.toEqual({ status: 403, errorType: 'MissingAuthenticationTokenException' });
      await expect(
        send(port, {
          method: 'POST',
          path: '/2015-03-31/functions/no-such-function/invocations',
          host,
          body: '{}',
        }),
      ).resolves.toEqual({ status: 404, errorType: 'ResourceNotFoundException' });
      await expect(
        send(port, { method: 'GET', path: '/oidc/.well-known/openid-configuration', host }),
      ).resolves.toMatchObject({ status: 200 });
    }
  });

  it('still serves the page and config.json to any Host (nothing secret there)', async () => {
    await expect(
      send(port, { method: 'GET', path: '/config.json', host: `evil.example:${port}` }),
    ).resolves.toMatchObject({ status: 200 });
  });
});
