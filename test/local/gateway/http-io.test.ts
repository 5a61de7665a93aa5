import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendEmpty } from '../../../local/gateway/http-io';

describe('Function: readBody', () => {
  let server: Server;
  let port: number;
  /** What each request's `readBody(req, 16)` settled with. */
  const outcomes: Promise<Buffer | undefined>[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const body = readBody(req, 16);
      outcomes.push(body);
      body.then(
        (read) => sendEmpty(res, read === undefined ? 413 : 200),
        () => undefined,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    outcomes.length = 0;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** POSTs `chunks` one write each; resolves with the answer's status. */
  const post = (chunks: string[]) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });

  it('reads a body sent in several chunks', async () => {
    // Act
    const status = await post(['héllo', ' ', 'world']);

    // Assess
    expect(status).toBe(200);
    expect((await outcomes[0])?.toString('utf8')).toBe('héllo world');
  });

  it('resolves undefined for a body over the limit, and drains it so the client gets its answer', async () => {
    // Act
    const status = await post(['0123456789', '0123456789']);

    // Assess
    expect(status).toBe(413);
    await expect(outcomes[0]).resolves.toBeUndefined();
  });

  it('rejects when the request closes before its body is complete', async () => {
    // Prepare
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      headers: { 'content-length': '100' },
    });
    req.on('error', () => undefined);

    // Act
    req.write('only part of it');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();

    // Assess
    await expect(outcomes[0]).rejects.toThrow();
  });
});
