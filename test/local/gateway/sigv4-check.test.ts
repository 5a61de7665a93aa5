import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { readBody, sendAwsError, sendEmpty } from '../../../local/gateway/http-io';
import { createSigV4Check } from '../../../local/gateway/sigv4-check';
import { SigV4Signatures } from '../../../local/gateway/sigv4-signature';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'us-east-1';
const ID = 'JC1dgf9yoAMCK-g=';

describe('Function: createSigV4Check', () => {
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    const check = createSigV4Check({ region: REGION, credentials: [CREDENTIALS] });
    server = createServer((req, res) => {
      void (async () => {
        const body = (await readBody(req, 1024 * 1024)) ?? Buffer.alloc(0);
        const refusal = check(req, body);
        if (refusal) sendAwsError(res, 403, refusal.errorType, refusal.message);
        else sendEmpty(res, req.method === 'DELETE' ? 204 : 200);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/local`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (config: { credentials?: typeof CREDENTIALS; region?: string } = {}) =>
    new ApiGatewayManagementApiClient({
      region: config.region ?? REGION,
      credentials: config.credentials ?? CREDENTIALS,
      endpoint,
      maxAttempts: 1,
    });
  const outcome = (promise: Promise<{ $metadata: { httpStatusCode?: number } }>) =>
    promise.then(
      (output) => ({ status: output.$metadata.httpStatusCode, name: 'ok' }),
      (error: Error & { $metadata?: { httpStatusCode?: number } }) => ({
        status: error.$metadata?.httpStatusCode,
        name: error.name,
      }),
    );
  /** A request signed by the SDK's signer, sent with fetch (so it can be altered after signing). */
  const signed = async (options: { body: string; signingDate?: Date }) => {
    const url = new URL(`${endpoint}/@connections/${encodeURIComponent(ID)}`);
    const signer = new SignatureV4({
      credentials: CREDENTIALS,
      region: REGION,
      service: 'execute-api',
      sha256: Sha256,
    });
    const request = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers: { host: url.host, 'content-type': 'application/octet-stream' },
        body: options.body,
      },
      options.signingDate ? { signingDate: options.signingDate } : {},
    );
    return request.headers as Record<string, string>;
  };

  it('accepts POST, GET and DELETE signed by the SDK with a known key', async () => {
    const sdk = client();

    const results = [
      await outcome(sdk.send(new PostToConnectionCommand({ ConnectionId: ID, Data: 'hi' }))),
      await outcome(sdk.send(new GetConnectionCommand({ ConnectionId: 'a+b/cdefghijklm=' }))),
      await outcome(sdk.send(new DeleteConnectionCommand({ ConnectionId: ID }))),
    ];

    expect(results).toEqual([
      { status: 200, name: 'ok' },
      { status: 200, name: 'ok' },
      { status: 204, name: 'ok' },
    ]);
  });

  it.each([
    [
      'a wrong secret',
      { credentials: { accessKeyId: 'local', secretAccessKey: 'wrong' } },
      'InvalidSignatureException',
    ],
    [
      'an unknown access key',
      { credentials: { accessKeyId: 'other', secretAccessKey: 'local' } },
      'UnrecognizedClientException',
    ],
    ['another region', { region: 'eu-west-1' }, 'InvalidSignatureException'],
  ])('refuses a signature made with %s: 403 %s', async (_name, config, errorType) => {
    const result = await outcome(
      client(config).send(new PostToConnectionCommand({ ConnectionId: ID, Data: 'hi' })),
    );

    expect(result).toEqual({ status: 403, name: errorType });
  });

  it('refuses an unsigned call with 403 MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${endpoint}/@connections/${encodeURIComponent(ID)}`, {
      method: 'POST',
      body: 'hi',
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('refuses a body changed after signing, and a signature older than 15 minutes', async () => {
    const url = `${endpoint}/@connections/${encodeURIComponent(ID)}`;
    const headers = await signed({ body: 'hi' });
    const stale = await signed({ body: 'hi', signingDate: new Date(Date.now() - 16 * 60_000) });

    const intact = await fetch(url, { method: 'POST', headers, body: 'hi' });
    const changed = await fetch(url, { method: 'POST', headers, body: 'ho' });
    const expired = await fetch(url, { method: 'POST', headers: stale, body: 'hi' });

    expect(intact.status).toBe(200);
    expect(changed.status).toBe(403);
    expect(changed.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { message: string }).message).toMatch(/Signature expired/);
  });

  it('refuses a signature that leaves x-amz-date out of the signed headers, valid as it is', async () => {
    const url = new URL(`${endpoint}/@connections/${encodeURIComponent(ID)}`);
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const signature = new SigV4Signatures().of(
      {
        method: 'POST',
        url: url.pathname,
        headers: { host: url.host },
        payloadHash: createHash('sha256').update('hi').digest('hex'),
        amzDate,
        region: REGION,
        service: 'execute-api',
      },
      CREDENTIALS.secretAccessKey,
    );
    const headers = {
      'x-amz-date': amzDate,
      authorization: `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${amzDate.slice(0, 8)}/${REGION}/execute-api/aws4_request, SignedHeaders=host, Signature=${signature}`,
    };

    const response = await fetch(url, { method: 'POST', headers, body: 'hi' });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });
});
