import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { loopbackHostCheck } from '../../../local/gateway/loopback-host';
import { createManagementApi } from '../../../local/gateway/management-api';
import { PostFaultPlan } from '../../../local/gateway/post-faults';
import { createSigV4Check } from '../../../local/gateway/sigv4-check';
import { recordingConnection } from '../../support/recording-connection';

const ID = 'R1kmxc2VNjMCFIA=';
const OTHER = 'S1kmxc2VNjMCFIA=';

describe('Class: PostFaultPlan', () => {
  it('answers queued statuses in order, then the persistent one, and counts every post', () => {
    // Prepare
    const plan = new PostFaultPlan().inject(ID, [429, 500]).failAlways(ID, 503).inject(ID, [410]);

    // Act
    const answers = [1, 2, 3, 4, 5].map(() => plan.injector(ID));
    const other = plan.injector(OTHER);

    // Assess
    expect(answers).toEqual([429, 500, 410, 503, 503]);
    expect(other).toBeUndefined();
    expect(plan.posts(ID)).toBe(5);
    expect(plan.posts(OTHER)).toBe(1);
  });

  it('clear forgets the faults of one connection or of all, and keeps the counts', () => {
    // Prepare
    const plan = new PostFaultPlan().failAlways(ID, 500).inject(OTHER, [429, 429]);

    // Act
    plan.clear(ID);
    const afterOne = [plan.injector(ID), plan.injector(OTHER)];
    plan.clear();
    const afterAll = [plan.injector(ID), plan.injector(OTHER)];

    // Assess
    expect(afterOne).toEqual([undefined, 429]);
    expect(afterAll).toEqual([undefined, undefined]);
    expect(plan.posts(OTHER)).toBe(2);
  });
});

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('Function: createManagementApi with injectPostFault', () => {
  let server: Server;
  let client: ApiGatewayManagementApiClient;
  const { connection, sent } = recordingConnection();
  const plan = new PostFaultPlan();

  beforeAll(async () => {
    const route = createManagementApi({
      stage: 'local',
      messageLimitBytes: 128 * 1024,
      findOpenConnection: (id) => (id === ID ? connection : undefined),
      injectPostFault: plan.injector,
      checkSignature: createSigV4Check({ region: 'us-east-1', credentials: [CREDENTIALS] }),
      refuseForeignHost: loopbackHostCheck(),
    });
    server = createServer((req, res) => {
      void route(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new ApiGatewayManagementApiClient({
      region: 'us-east-1',
      credentials: CREDENTIALS,
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/local`,
      maxAttempts: 1,
    });
  });

  afterEach(() => {
    plan.clear();
    sent.length = 0;
  });

  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (data: string, connectionId = ID) =>
    client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data })).then(
      (output) => ({ status: output.$metadata.httpStatusCode, name: 'delivered' }),
      (error: Error & { $metadata?: { httpStatusCode?: number } }) => ({
        status: error.$metadata?.httpStatusCode,
        name: error.name,
      }),
    );

  it('answers injected statuses as API Gateway errors the SDK names, without sending', async () => {
    // Prepare
    plan.inject(ID, [429, 500, 503, 410]);

    // Act
    const results = [await post('a'), await post('b'), await post('c'), await post('d')];
    const afterwards = await post('e');

    // Assess
    expect(results).toEqual([
      { status: 429, name: 'LimitExceededException' },
      { status: 500, name: 'InternalServerErrorException' },
      { status: 503, name: 'ServiceUnavailableException' },
      { status: 410, name: 'GoneException' },
    ]);
    expect(afterwards).toEqual({ status: 200, name: 'delivered' });
    expect(sent).toEqual(['e']);
  });

  it('consults the injector for POSTs only', async () => {
    // Prepare
    plan.failAlways(ID, 500);
    const postsBefore = plan.posts(ID);

    // Act
    const described = await client.send(new GetConnectionCommand({ ConnectionId: ID }));

    // Assess
    expect(described.$metadata.httpStatusCode).toBe(200);
    expect(plan.posts(ID)).toBe(postsBefore);
  });

  it('still answers 400 for a malformed id before any injected fault', async () => {
    // Prepare
    plan.failAlways('bad id', 429);

    // Act
    const result = await post('x', 'bad id');

    // Assess
    expect(result).toEqual({ status: 400, name: 'BadRequestException' });
    expect(plan.posts('bad id')).toBe(0);
  });
});
