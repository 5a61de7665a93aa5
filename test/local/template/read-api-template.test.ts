import { resolve } from 'node:path';
import { APP_ENV, ENV } from '../../../definitions/api';
import { FAN_OUT_SIZING } from '../../../definitions/fan-out-sizing';
import { synthesizeChatStack } from '../../../local/template/app-template';
import { localFunctionSpecs } from '../../../local/template/function-specs';
import {
  readApiTemplate,
  type TemplateApi,
  UnsupportedTemplateError,
} from '../../../local/template/read-api-template';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..', '..', '..');
const ENDPOINTS = {
  apiId: 'a1b2c3d4e5',
  region: 'us-east-1',
  accountId: '123456789012',
  managementUrl: 'http://127.0.0.1:3001/local',
  websocketUrl: 'ws://127.0.0.1:3001/local',
  lambdaUrl: 'http://127.0.0.1:3001',
  dynamoDbEndpoint: 'http://127.0.0.1:8000',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

describe('readApiTemplate and localFunctionSpecs on the synthesized chat stack', () => {
  let api: TemplateApi;
  let app: Awaited<ReturnType<typeof synthesizeChatStack>>;

  beforeAll(async () => {
    app = await synthesizeChatStack({
      stageName: 'local',
      authMode: 'jwt',
      privateRooms: { 'private:ops': ['ann'] },
    });
    api = readApiTemplate(app.template, { ...app, tableName: () => 'chat-local' });
  });

  const functionNamed = (prefix: string) => {
    const fn = api.functions.find((candidate) => candidate.logicalId.startsWith(prefix));
    if (fn === undefined) throw new Error(`no function ${prefix}`);
    return fn;
  };

  it('reads the routes, their integrations, two-way routes, the authorizer and the stage', () => {
    expect(api.stage).toBe('local');
    expect(api.routeSelectionExpression).toBe('$request.body.action');
    const routes = Object.fromEntries(api.routes.map((route) => [route.routeKey, route]));
    expect(routes.$connect).toMatchObject({
      authorized: true,
      returnResponse: false,
      integration: { type: 'lambda', function: functionNamed('ConnectFunction').name },
    });
    expect(routes.$default).toMatchObject({
      returnResponse: true,
      integration: { type: 'lambda', function: functionNamed('MessageFunction').name },
    });
    expect(routes.ping).toEqual({
      routeKey: 'ping',
      returnResponse: true,
      integration: { type: 'mock', responseBody: '{"event":"pong"}' },
    });
    expect(api.authorizer).toEqual({
      functionName: functionNamed('AuthorizeFunction').name,
      identitySource: ['route.request.header.Sec-WebSocket-Protocol'],
    });
  });

  it('reads each function with its TypeScript entry, timeout and memory, and the table with keys and TTL', () => {
    expect(functionNamed('MessageFunction')).toMatchObject({
      code: { module: resolve(ROOT, 'lambdas/handlers/message.ts'), exportName: 'handler' },
      timeoutMs: 10_000,
      memoryMb: FAN_OUT_SIZING.memoryMb,
    });
    expect(functionNamed('WorkerFunction').timeoutMs).toBe(30_000);
    expect(api.tables).toEqual([
      expect.objectContaining({
        name: 'chat-local',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      }),
    ]);
  });

  it("reads the heartbeat's EventBridge rule: the heartbeat function, every minute", () => {
    expect(api.schedules).toEqual([
      {
        ruleLogicalId: expect.stringMatching(/^HeartbeatSchedule/),
        functionName: functionNamed('HeartbeatFunction').name,
        rateMs: 60_000,
      },
    ]);
  });

  it('reads rate expressions in minutes, hours and days, and leaves out cron and disabled rules', () => {
    // Prepare
    const fn = api.template.Resources[functionNamed('HeartbeatFunction').logicalId];
    const rule = (ScheduleExpression: string, State = 'ENABLED') => ({
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression,
        State,
        Targets: [
          { Arn: { 'Fn::GetAtt': [functionNamed('HeartbeatFunction').logicalId, 'Arn'] }, Id: 't' },
        ],
      },
    });
    const template = {
      ...api.template,
      Resources: {
        ...api.template.Resources,
        HeartbeatFunctionCopy: fn,
        Every5Minutes: rule('rate(5 minutes)'),
        Hourly: rule('rate(1 hour)'),
        Daily: rule('rate(2 days)'),
        Cron: rule('cron(0 12 * * ? *)'),
        Disabled: rule('rate(1 minute)', 'DISABLED'),
      },
    };

    // Act
    const read = readApiTemplate(template, { ...app, tableName: () => 'chat-local' });

    // Assess
    const rates = Object.fromEntries(
      read.schedules.map((each) => [each.ruleLogicalId, each.rateMs]),
    );
    expect(rates).toMatchObject({ Every5Minutes: 300_000, Hourly: 3_600_000, Daily: 172_800_000 });
    expect(rates).not.toHaveProperty('Cron');
    expect(rates).not.toHaveProperty('Disabled');
  });

  it('gives each function only its own variables: PRIVATE_ROOMS is on message, absent in connect', () => {
    // Act
    const specs = localFunctionSpecs(api, {
      endpoints: ENDPOINTS,
      maxContainers: 4,
      hostEnvironment: {},
    });
    const spec = (prefix: string) => specs.find((candidate) => candidate.name.startsWith(prefix));

    // Assess
    const message = spec('MessageFunction')?.environment ?? {};
    const connect = spec('ConnectFunction')?.environment ?? {};
    expect(JSON.parse(message[APP_ENV.privateRooms] ?? '')).toEqual({ 'private:ops': ['ann'] });
    expect(connect).not.toHaveProperty(APP_ENV.privateRooms);
    expect(spec('AuthorizeFunction')?.environment).not.toHaveProperty(ENV.tableName);
    expect(connect).toMatchObject({
      [ENV.tableName]: 'chat-local',
      // The stage's callback URL, https://{api}.execute-api.{region}.amazonaws.com/local, mapped to the gateway.
      [ENV.callbackUrl]: ENDPOINTS.managementUrl,
      [ENV.workerFunctionName]: functionNamed('WorkerFunction').name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_ENDPOINT_URL_DYNAMODB: ENDPOINTS.dynamoDbEndpoint,
    });
    expect(spec('MessageFunction')).toMatchObject({
      timeoutMs: 10_000,
      memoryMb: FAN_OUT_SIZING.memoryMb,
      maxContainers: 4,
    });
  });

  it("turns the X-Ray SDK's promise tracking off with tracing, and leaves it on when the shell turns tracing on", () => {
    // Act
    const specs = (hostEnvironment: NodeJS.ProcessEnv) =>
      localFunctionSpecs(api, { endpoints: ENDPOINTS, maxContainers: 4, hostEnvironment });
    const off = specs({});
    const on = specs({ POWERTOOLS_TRACE_ENABLED: 'true' });

    // Assess
    for (const spec of off) {
      expect(spec.environment).toMatchObject({
        POWERTOOLS_TRACE_ENABLED: 'false',
        AWS_XRAY_MANUAL_MODE: 'true',
      });
    }
    for (const spec of on) expect(spec.environment).not.toHaveProperty('AWS_XRAY_MANUAL_MODE');
  });

  it('runs the functions with active tracing as Lambda does when a local X-Ray daemon is given', () => {
    // Act
    const traced = localFunctionSpecs(api, {
      endpoints: { ...ENDPOINTS, xrayDaemonAddress: '127.0.0.1:2999' },
      maxContainers: 4,
      hostEnvironment: {},
    });
    const untraced = localFunctionSpecs(api, {
      endpoints: ENDPOINTS,
      maxContainers: 4,
      hostEnvironment: {},
    });

    // Assess: every function of the stack has active tracing.
    expect(functionNamed('MessageFunction').tracing).toBe('Active');
    expect(traced.length).toBeGreaterThan(0);
    for (const spec of traced) {
      expect(spec.environment).toMatchObject({
        POWERTOOLS_TRACE_ENABLED: 'true',
        LAMBDA_TASK_ROOT: '/var/task',
        AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2999',
        _AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1',
        _AWS_XRAY_DAEMON_PORT: '2999',
        AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      });
      expect(spec.environment).not.toHaveProperty('AWS_XRAY_MANUAL_MODE');
    }
    for (const spec of untraced) {
      expect(spec.environment).not.toHaveProperty('LAMBDA_TASK_ROOT');
      expect(spec.environment).not.toHaveProperty('AWS_XRAY_DAEMON_ADDRESS');
    }
  });

  it('refuses a template without a WebSocket API, and an integration it cannot run', () => {
    const options = { stackName: 'X', assemblyDir: ROOT, appRoot: ROOT };
    expect(() => readApiTemplate({ Resources: {} }, options)).toThrow(UnsupportedTemplateError);
    const httpRoute = {
      Resources: {
        Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'WEBSOCKET' } },
        Stage: {
          Type: 'AWS::ApiGatewayV2::Stage',
          Properties: { ApiId: { Ref: 'Api' }, StageName: 's' },
        },
        Http: {
          Type: 'AWS::ApiGatewayV2::Integration',
          Properties: { IntegrationType: 'HTTP_PROXY' },
        },
        Route: {
          Type: 'AWS::ApiGatewayV2::Route',
          Properties: { ApiId: { Ref: 'Api' }, RouteKey: '$default', Target: 'integrations/Http' },
        },
      },
    };
    expect(() => readApiTemplate(httpRoute, options)).toThrow(
      'Route $default: HTTP_PROXY integrations are not emulated',
    );
  });
});
