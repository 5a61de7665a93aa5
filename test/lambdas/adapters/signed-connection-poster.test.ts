import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import {
  ManagementApiPoster,
  managementApiClientConfig,
} from '../../../lambdas/adapters/management-api-poster';
import { SignedConnectionPoster } from '../../../lambdas/adapters/signed-connection-poster';
import type { SocketId } from '../../../lambdas/core/types';
import { loopbackHostCheck } from '../../../local/gateway/loopback-host';
import { createManagementApi } from '../../../local/gateway/management-api';
import { PostFaultPlan } from '../../../local/gateway/post-faults';
import { createSigV4Check } from '../../../local/gateway/sigv4-check';
import { recordingConnection } from '../../support/recording-connection';

const ID = 'R1kmxc2VNjMCFIA=' as SocketId;
const UNKNOWN = 'S1kmxc2VNjMCFIA=' as SocketId;
const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const MESSAGE_LIMIT_BYTES = 128 * 1024;
/** No waiting between retries. */
const NO_WAIT = { sleep: async () => undefined };

/** The rejection of `promise`, as the SDK names it: error name and HTTP status. */
async function failureOf(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  const error = (await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: unknown) => caught,
  )) as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: error.name, status: error.$metadata?.httpStatusCode };
}

describe('Class: SignedConnectionPoster, against the local management API (SigV4 checked)', () => {
  let server: Server;
  let endpoint: string;
  const plan = new PostFaultPlan();
  const { connection, sent } = recordingConnection();
  /** Every request that reached the API: method, path and its signed headers. */
  const requests: { method?: string; path?: string; signedHeaders?: string }[] = [];

  beforeAll(async () => {
    const route = createManagementApi({
      stage: 'local',
      messageLimitBytes: MESSAGE_LIMIT_BYTES,
      findOpenConnection: (id) => (id === ID ? connection : undefined),
      injectPostFault: plan.injector,
      checkSignature: createSigV4Check({ region: REGION, credentials: [CREDENTIALS] }),
      refuseForeignHost: loopbackHostCheck(),
    });
    server = createServer((req: IncomingMessage, res) => {
      requests.push({
        method: req.method,
        path: req.url,
        signedHeaders: /SignedHeaders=([^,]+)/.exec(req.headers.authorization ?? '')?.[1],
      });
      void route(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/local`;
  });

  afterEach(() => {
    plan.clear();
    sent.length = 0;
    requests.length = 0;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const lean = (options: { secret?: string; timeoutMs?: number } = {}) =>
    new SignedConnectionPoster({
      endpoint,
      region: REGION,
      credentials: {
        ...CREDENTIALS,
        secretAccessKey: options.secret ?? CREDENTIALS.secretAccessKey,
      },
      retry: NO_WAIT,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });

  const sdk = (options: { secret?: string } = {}) =>
    new ManagementApiPoster({
      client: new ApiGatewayManagementApiClient({
        ...managementApiClientConfig,
        region: REGION,
        credentials: {
          ...CREDENTIALS,
          secretAccessKey: options.secret ?? CREDENTIALS.secretAccessKey,
        },
        endpoint,
      }),
      retry: NO_WAIT,
    });

  it('is accepted as the SDK client is: same path, the frame delivered byte for byte', async () => {
    // Prepare
    const frame = JSON.stringify({ event: 'chat', data: { text: 'héllo ✓ 🙂' } });

    // Act
    const viaSdk = await sdk().post(ID, frame);
    const viaLean = await lean().post(ID, frame);

    // Assess
    expect([viaSdk, viaLean]).toEqual(['delivered', 'delivered']);
    expect(sent).toEqual([frame, frame]);
    expect(requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /local/@connections/R1kmxc2VNjMCFIA%3D',
      'POST /local/@connections/R1kmxc2VNjMCFIA%3D',
    ]);
    expect(requests[1]?.signedHeaders).toMatch(/(^|;)host(;|$)/);
    expect(requests[1]?.signedHeaders).toMatch(/(^|;)x-amz-date(;|$)/);
  });

  describe('Credentials from a provider', () => {
    /** A provider whose credentials expire `expiresInMs` from each call, counting its calls. */
    const provider = (expiresInMs?: number) => {
      const calls = { count: 0 };
      const credentials = async () => {
        calls.count += 1;
        return expiresInMs === undefined
          ? CREDENTIALS
          : { ...CREDENTIALS, expiration: new Date(Date.now() + expiresInMs) };
      };
      return { calls, credentials };
    };
    const withProvider = (credentials: ReturnType<typeof provider>['credentials']) =>
      new SignedConnectionPoster({ endpoint, region: REGION, credentials, retry: NO_WAIT });

    it('asks once for credentials without an expiration, then signs every post with them', async () => {
      // Prepare
      const { calls, credentials } = provider();
      const poster = withProvider(credentials);

      // Act
      const first = await poster.post(ID, 'first');
      const more = await Promise.all(Array.from({ length: 20 }, () => poster.post(ID, 'x')));

      // Assess
      expect([first, ...more].every((result) => result === 'delivered')).toBe(true);
      expect(sent).toHaveLength(21);
      expect(calls.count).toBe(1);
    });

    it('asks again once the credentials are within 5 minutes of their expiration', async () => {
      // Prepare: they enter the last 5 minutes 100 ms after each call.
      const { calls, credentials } = provider(5 * 60_000 + 100);
      const poster = withProvider(credentials);

      // Act
      await poster.post(ID, 'first');
      await poster.post(ID, 'still fresh');
      const beforeMargin = calls.count;
      await new Promise((resolve) => setTimeout(resolve, 150));
      await poster.post(ID, 'near expiry');

      // Assess
      expect(beforeMargin).toBe(1);
      expect(calls.count).toBe(2);
      expect(sent).toEqual(['first', 'still fresh', 'near expiry']);
    });

    it('posts with credentials already within the margin, asking for them at every post', async () => {
      // Prepare
      const { calls, credentials } = provider(60_000);
      const poster = withProvider(credentials);

      // Act
      const results = [await poster.post(ID, 'a'), await poster.post(ID, 'b')];

      // Assess
      expect(results).toEqual(['delivered', 'delivered']);
      expect(calls.count).toBe(2);
    });
  });

  it('resolves gone for a closed connection, as the SDK poster does, with one request', async () => {
    // Act
    const viaSdk = await sdk().post(UNKNOWN, 'x');
    const viaLean = await lean().post(UNKNOWN, 'x');

    // Assess
    expect([viaSdk, viaLean]).toEqual(['gone', 'gone']);
    expect(requests).toHaveLength(2);
  });

  it('retries 429, 500 and 503 and then delivers', async () => {
    // Prepare
    plan.inject(ID, [429, 500, 503]);
    const before = plan.posts(ID);

    // Act
    const result = await lean().post(ID, 'after three');

    // Assess
    expect(result).toBe('delivered');
    expect(plan.posts(ID) - before).toBe(4);
    expect(sent).toEqual(['after three']);
  });

  it('gives up after the bounded retries with the last error, named as the SDK names it', async () => {
    // Prepare
    plan.failAlways(ID, 503);
    const before = plan.posts(ID);

    // Act
    const viaLean = await failureOf(lean().post(ID, 'x'));
    const leanPosts = plan.posts(ID) - before;
    const viaSdk = await failureOf(sdk().post(ID, 'x'));

    // Assess
    expect(viaLean).toEqual({ name: 'ServiceUnavailableException', status: 503 });
    expect(viaSdk).toEqual(viaLean);
    expect(leanPosts).toBe(4);
  });

  it('rethrows 413 (frame over the limit), 400 (malformed id) and 403 (bad signature) at once, as the SDK poster does', async () => {
    // Prepare
    const tooLarge = 'x'.repeat(MESSAGE_LIMIT_BYTES + 1);

    // Act
    const failures = [
      await failureOf(lean().post(ID, tooLarge)),
      await failureOf(lean().post('bad id' as SocketId, 'x')),
      await failureOf(lean({ secret: 'another-secret' }).post(ID, 'x')),
    ];
    const sdkFailures = [
      await failureOf(sdk().post(ID, tooLarge)),
      await failureOf(sdk().post('bad id' as SocketId, 'x')),
      await failureOf(sdk({ secret: 'another-secret' }).post(ID, 'x')),
    ];

    // Assess
    expect(failures).toEqual([
      { name: 'PayloadTooLargeException', status: 413 },
      { name: 'BadRequestException', status: 400 },
      { name: 'InvalidSignatureException', status: 403 },
    ]);
    expect(sdkFailures).toEqual(failures);
    expect(requests).toHaveLength(6);
    expect(sent).toEqual([]);
  });
});

describe('Class: SignedConnectionPoster, against a server that does not answer', () => {
  let server: Server;
  let endpoint: string;
  let received = 0;

  beforeAll(async () => {
    server = createServer(() => {
      received += 1; // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/local`;
  });

  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fails a post without an answer as TimeoutError after timeoutMs, retried like a 5xx', async () => {
    // Prepare
    const poster = new SignedConnectionPoster({
      endpoint,
      region: REGION,
      credentials: CREDENTIALS,
      retry: { ...NO_WAIT, retries: 1 },
      timeoutMs: 100,
    });

    // Act
    const failure = await failureOf(poster.post(ID, 'x'));

    // Assess
    expect(failure.name).toBe('TimeoutError');
    expect(received).toBe(2);
  });
});
