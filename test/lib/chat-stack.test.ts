import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  APP_ENV,
  AUTH_ENV,
  CONNECT_AUTHORIZER,
  ENV,
  FUNCTION_ENV,
  type FunctionName,
  LAMBDA_FUNCTIONS,
  ROUTE_SELECTION_EXPRESSION,
  ROUTES,
} from '../../definitions/api';
import { FAN_OUT_SIZING } from '../../definitions/fan-out-sizing';
import { TABLE } from '../../definitions/table';
import { ChatStack } from '../../lib/chat-stack';
import { InvalidContextError } from '../../lib/stack-config';
import {
  functionIds,
  integrationOf,
  onlyIdOf,
  render,
  resourceOf,
  resourcesOf,
  routeKeysById,
  selectedTemplateKey,
  statementsOf,
  statementsWithAction,
} from './template-helpers';

const FUNCTION_NAMES = Object.keys(LAMBDA_FUNCTIONS) as FunctionName[];

/** Synthesizes a ChatStack without bundling (the shared default synth does bundle). */
function synthWithContext(context: Record<string, unknown>): {
  stack: ChatStack;
  template: Template;
} {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new ChatStack(app, 'ContextStack');
  return { stack, template: Template.fromStack(stack) };
}

function manageConnectionsArn(apiId: string, stageName: string, method: string): string {
  return `arn:{AWS::Partition}:execute-api:{AWS::Region}:{AWS::AccountId}:{${apiId}}/${stageName}/${method}/@connections/*`;
}

describe('Class: ChatStack', () => {
  let template: Template;
  let apiId: string;
  let tableId: string;
  let fnIds: Record<FunctionName, string>;

  beforeAll(() => {
    // Prepare / Act: one bundled synth with default context, shared by the read-only tests.
    const stack = new ChatStack(new App(), 'ApigwChat');
    template = Template.fromStack(stack);
    apiId = onlyIdOf(template, 'AWS::ApiGatewayV2::Api');
    tableId = onlyIdOf(template, 'AWS::DynamoDB::Table');
    fnIds = functionIds(template);
  });

  describe('WebSocket API and routes', () => {
    it('uses the route selection expression of the definition', () => {
      // Assess
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: ROUTE_SELECTION_EXPRESSION,
      });
    });

    it('has exactly the route keys of ROUTES', () => {
      // Act
      const keys = Object.values(routeKeysById(template)).sort();

      // Assess
      expect(keys).toEqual(ROUTES.map((r) => r.routeKey).sort());
    });

    it.each(ROUTES.filter((r) => r.integration.type === 'lambda'))(
      'integrates $routeKey with its function as AWS_PROXY',
      (route) => {
        // Prepare
        const expected = route.integration.type === 'lambda' ? route.integration.function : '';

        // Act
        const [, integration] = integrationOf(template, route.routeKey);

        // Assess
        expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
        expect(render(integration.Properties.IntegrationUri)).toMatch(
          new RegExp(`/functions/\\{${fnIds[expected as FunctionName]}\\.Arn\\}/invocations$`),
        );
      },
    );

    it('lets API Gateway invoke each routed function from this API only', () => {
      // Prepare
      const routed = new Set(
        ROUTES.flatMap((r) => (r.integration.type === 'lambda' ? [r.integration.function] : [])),
      );

      // Act
      const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission'));

      // Assess
      for (const name of routed) {
        const own = permissions.filter(
          (p) => render(p.Properties.FunctionName) === `{${fnIds[name]}.Arn}`,
        );
        expect(own.length).toBeGreaterThan(0);
        for (const p of own) {
          expect(p.Properties.Principal).toBe('apigateway.amazonaws.com');
          expect(render(p.Properties.SourceArn)).toContain(`:{${apiId}}/`);
        }
      }
    });

    it('has a route response exactly for the two-way routes', () => {
      // Prepare
      const keysById = routeKeysById(template);

      // Act
      const responses = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::RouteResponse'));
      const keys = responses.map((r) => keysById[(r.Properties.RouteId as { Ref: string }).Ref]);

      // Assess
      expect(keys.sort()).toEqual(
        ROUTES.filter((r) => r.returnResponse)
          .map((r) => r.routeKey)
          .sort(),
      );
      for (const r of responses) expect(r.Properties.RouteResponseKey).toBe('$default');
    });
  });

  describe('MOCK routes', () => {
    const mockRoutes = ROUTES.filter((r) => r.integration.type === 'mock');

    it('answers ping with {"event":"pong"} without a Lambda', () => {
      // Act
      const [integrationId, integration] = integrationOf(template, 'ping');
      const responses = Object.values(
        resourcesOf(template, 'AWS::ApiGatewayV2::IntegrationResponse'),
      ).filter((r) => render(r.Properties.IntegrationId) === `{${integrationId}}`);

      // Assess
      expect(integration.Properties.IntegrationType).toBe('MOCK');
      expect(responses).toHaveLength(1);
      const templates = responses[0]?.Properties.ResponseTemplates as Record<string, string>;
      const key = selectedTemplateKey(responses[0]?.Properties.TemplateSelectionExpression);
      expect(templates[key]).toBe('{"event":"pong"}');
    });

    it.each(mockRoutes)('$routeKey: request template yields statusCode 200', (route) => {
      // Act
      const [, integration] = integrationOf(template, route.routeKey);
      const templates = integration.Properties.RequestTemplates as Record<string, string>;
      const key = selectedTemplateKey(integration.Properties.TemplateSelectionExpression);

      // Assess
      expect(JSON.parse(templates[key] ?? 'null')).toEqual({ statusCode: 200 });
    });

    it.each(mockRoutes)('$routeKey: integration response returns the definition body', (route) => {
      // Prepare
      const body = route.integration.type === 'mock' ? route.integration.responseBody : '';
      const [integrationId] = integrationOf(template, route.routeKey);

      // Assess
      template.hasResourceProperties('AWS::ApiGatewayV2::IntegrationResponse', {
        ApiId: { Ref: apiId },
        IntegrationId: { Ref: integrationId },
        IntegrationResponseKey: '$default',
        ResponseTemplates: Match.objectLike({ $default: body }),
      });
    });
  });

  describe('Stage', () => {
    it('auto-deploys the dev stage with the default throttling', () => {
      // Assess
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        ApiId: { Ref: apiId },
        StageName: 'dev',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
      });
    });

    it('writes one JSON access log line per request to a log group with a retention', () => {
      // Prepare
      const stage = resourceOf(
        template,
        'AWS::ApiGatewayV2::Stage',
        onlyIdOf(template, 'AWS::ApiGatewayV2::Stage'),
      );
      const settings = stage.Properties.AccessLogSettings as {
        DestinationArn: unknown;
        Format: string;
      };

      // Act
      const logGroupId = render(settings.DestinationArn).replace(/^\{(.+)\.Arn\}$/, '$1');
      const format = JSON.parse(settings.Format) as Record<string, string>;

      // Assess
      expect(
        resourceOf(template, 'AWS::Logs::LogGroup', logGroupId).Properties.RetentionInDays,
      ).toBeGreaterThan(0);
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        connectionId: '$context.connectionId',
        eventType: '$context.eventType',
        integrationError: '$context.integrationErrorMessage',
      });
    });
  });

  describe('Heartbeat schedule', () => {
    it('invokes the heartbeat function, and only it, every minute', () => {
      // Act
      const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule'));

      // Assess
      expect(rules).toHaveLength(1);
      expect(rules[0]?.Properties).toMatchObject({
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [{ Arn: { 'Fn::GetAtt': [fnIds.heartbeat, 'Arn'] } }],
      });
    });

    it('lets EventBridge invoke the heartbeat function from that rule only', () => {
      // Act
      const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter(
        (permission) => permission.Properties.Principal === 'events.amazonaws.com',
      );

      // Assess
      expect(permissions).toHaveLength(1);
      expect(permissions[0]?.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fnIds.heartbeat, 'Arn'] },
        SourceArn: { 'Fn::GetAtt': [onlyIdOf(template, 'AWS::Events::Rule'), 'Arn'] },
      });
    });
  });

  describe('Functions', () => {
    it('has one function per LAMBDA_FUNCTIONS entry and no other', () => {
      // Assess
      template.resourceCountIs('AWS::Lambda::Function', FUNCTION_NAMES.length);
      expect(Object.keys(fnIds).sort()).toEqual([...FUNCTION_NAMES].sort());
    });

    it.each(FUNCTION_NAMES)(
      '%s runs on nodejs22.x arm64 with a retained-days log group, the fan-out memory if it posts a room message',
      (name) => {
        // Act
        const fn = resourceOf(template, 'AWS::Lambda::Function', fnIds[name]);
        const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup
          .Ref;
        const logGroup = resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId];

        // Assess
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          MemorySize: name === 'message' || name === 'worker' ? FAN_OUT_SIZING.memoryMb : 256,
        });
        expect(logGroup?.Properties.RetentionInDays).toBeGreaterThan(0);
      },
    );

    it('gives route functions 10 s, the worker and the heartbeat 30 s', () => {
      // Act
      const timeouts = Object.fromEntries(
        FUNCTION_NAMES.map((name) => [
          name,
          resourcesOf(template, 'AWS::Lambda::Function')[fnIds[name]]?.Properties.Timeout,
        ]),
      );

      // Assess
      expect(timeouts).toEqual({
        connect: 10,
        disconnect: 10,
        message: 10,
        worker: 30,
        authorize: 10,
        heartbeat: 30,
      });
    });

    it.each(FUNCTION_NAMES)(
      '%s has exactly its FUNCTION_ENV variables (and the fan-out shard size if it posts a room message)',
      (name) => {
        // Prepare
        const expected: Record<string, string> = {
          POWERTOOLS_SERVICE_NAME: 'apigw-chat',
          NODE_OPTIONS: '--enable-source-maps',
        };
        const values = {
          tableName: `{${tableId}}`,
          callbackUrl: `https://{${apiId}}.execute-api.{AWS::Region}.{AWS::URLSuffix}/dev`,
          workerFunctionName: `{${fnIds.worker}}`,
        };
        for (const key of FUNCTION_ENV[name]) expected[ENV[key]] = values[key];
        if (name === 'message' || name === 'worker') {
          expected[APP_ENV.fanoutShardSize] = String(FAN_OUT_SIZING.shardSize);
        }
        if (name === CONNECT_AUTHORIZER.function) {
          // cognito mode (the default): the stack's own pool and page client.
          const poolId = onlyIdOf(template, 'AWS::Cognito::UserPool');
          expected[AUTH_ENV.authMode] = 'jwt';
          expected[AUTH_ENV.jwtIssuer] = `{${poolId}.ProviderURL}`;
          expected[AUTH_ENV.jwtAudience] =
            `{${onlyIdOf(template, 'AWS::Cognito::UserPoolClient')}}`;
          expected[AUTH_ENV.jwtJwksUri] = `{${poolId}.ProviderURL}/.well-known/jwks.json`;
          expected[AUTH_ENV.jwtTokenUse] = 'access';
        }

        // Act
        const fn = resourceOf(template, 'AWS::Lambda::Function', fnIds[name]);
        const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> })
          .Variables;

        // Assess
        expect(
          Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, render(v)])),
        ).toEqual(expected);
      },
    );
  });

  describe('Connect authorizer', () => {
    it('is a REQUEST authorizer on the authorize function with the token subprotocol header as identity source', () => {
      // Act
      const authorizers = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));

      // Assess
      expect(authorizers).toHaveLength(1);
      const props = authorizers[0]?.Properties ?? {};
      expect(props.AuthorizerType).toBe('REQUEST');
      // The token travels as a subprotocol, never in a URL: no query-string identity source.
      expect(props.IdentitySource).toEqual(['route.request.header.Sec-WebSocket-Protocol']);
      expect(render(props.AuthorizerUri)).toContain(`{${fnIds.authorize}.Arn}`);
    });

    it('guards $connect (CUSTOM) and no other route', () => {
      // Act
      const authorizerId = onlyIdOf(template, 'AWS::ApiGatewayV2::Authorizer');
      const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'));

      // Assess
      for (const route of routes) {
        if (route.Properties.RouteKey === '$connect') {
          expect(route.Properties.AuthorizationType).toBe('CUSTOM');
          expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
        } else {
          expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
          expect(route.Properties.AuthorizerId).toBeUndefined();
        }
      }
    });

    it('lets API Gateway invoke the authorizer function', () => {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [fnIds.authorize, 'Arn'] },
      });
    });

    it('passes jwtIssuer and jwtAudience from the context to the authorizer only', () => {
      // Act
      const { template: jwt } = synthWithContext({
        authMode: 'jwt',
        jwtIssuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc',
        jwtAudience: 'client-123',
      });
      const ids = functionIds(jwt);
      const variablesOf = (name: FunctionName) =>
        (
          resourceOf(jwt, 'AWS::Lambda::Function', ids[name]).Properties.Environment as {
            Variables: Record<string, unknown>;
          }
        ).Variables;

      // Assess
      expect(variablesOf('authorize')).toMatchObject({
        AUTH_MODE: 'jwt',
        JWT_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc',
        JWT_AUDIENCE: 'client-123',
      });
      expect(variablesOf('connect').JWT_ISSUER).toBeUndefined();
      jwt.resourceCountIs('AWS::Cognito::UserPool', 0);
    });

    it('checks token_use: access with the stack pool, none in jwt mode, jwtTokenUse when given; tokenMaxAgeSeconds', () => {
      // Act
      const authorizerEnv = (context: Record<string, unknown>) => {
        const { template: synthesized } = synthWithContext(context);
        const id = functionIds(synthesized).authorize;
        return (
          resourceOf(synthesized, 'AWS::Lambda::Function', id).Properties.Environment as {
            Variables: Record<string, unknown>;
          }
        ).Variables;
      };
      const jwt = { authMode: 'jwt', jwtIssuer: 'https://login.example.com', jwtAudience: 'chat' };

      // Assess
      expect(authorizerEnv({})).toMatchObject({ JWT_TOKEN_USE: 'access' });
      expect(authorizerEnv({}).TOKEN_MAX_AGE_SECONDS).toBeUndefined();
      expect(authorizerEnv({ jwtTokenUse: 'id', tokenMaxAgeSeconds: '3600' })).toMatchObject({
        JWT_TOKEN_USE: 'id',
        TOKEN_MAX_AGE_SECONDS: '3600',
      });
      expect(authorizerEnv(jwt).JWT_TOKEN_USE).toBeUndefined();
      expect(authorizerEnv({ ...jwt, jwtTokenUse: 'access' }).JWT_TOKEN_USE).toBe('access');
      expect(authorizerEnv({ jwtTokenUse: 'any' }).JWT_TOKEN_USE).toBeUndefined();
      expect(() => authorizerEnv({ jwtTokenUse: 'refresh' })).toThrow(/jwtTokenUse/);
      expect(() => authorizerEnv({ tokenMaxAgeSeconds: 0 })).toThrow(/tokenMaxAgeSeconds/);
    });

    it('warns when jwt mode has no issuer and audience', () => {
      const { stack } = synthWithContext({ authMode: 'jwt' });
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('jwtIssuer'));
    });

    it('in anonymous mode, has no identity source, says so in a warning and an output', () => {
      // Act
      const { stack, template: anonymous } = synthWithContext({ authMode: 'anonymous' });

      // Assess
      anonymous.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        IdentitySource: [],
      });
      anonymous.hasOutput('AuthMode', { Value: 'anonymous' });
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('anonymous'));
    });
  });

  describe('Permissions', () => {
    it.each(FUNCTION_NAMES)(
      '%s may ManageConnections on this API and stage only, if it reads the callback URL',
      (name) => {
        // Act
        const statements = statementsWithAction(
          statementsOf(template, fnIds[name]),
          'execute-api:ManageConnections',
        );

        // Assess
        if (!FUNCTION_ENV[name].includes('callbackUrl')) {
          expect(statements).toHaveLength(0);
          return;
        }
        expect(statements).toHaveLength(1);
        const resources = [statements[0]?.Resource].flat().map(render);
        // Functions that run the app's handlers and hooks may also close connections.
        const methods = name === 'worker' || name === 'heartbeat' ? ['POST'] : ['POST', 'DELETE'];
        expect(resources).toEqual(
          methods.map((method) => manageConnectionsArn(apiId, 'dev', method)),
        );
      },
    );

    it.each(FUNCTION_NAMES)(
      '%s may use the table only, if it reads its name (its actions: least-privilege.test.ts)',
      (name) => {
        // Act
        const statements = statementsOf(template, fnIds[name]).filter((s) =>
          [s.Action].flat().some((action) => action.startsWith('dynamodb:')),
        );

        // Assess
        if (!FUNCTION_ENV[name].includes('tableName')) {
          expect(statements).toHaveLength(0);
          return;
        }
        expect(statements).toHaveLength(1);
        expect([statements[0]?.Resource].flat().map(render)).toEqual([`{${tableId}.Arn}`]);
      },
    );

    it.each(FUNCTION_NAMES)(
      '%s may invoke deliver, unqualified, only if it reads its name (or is deliver: it continues clean-ups itself)',
      (name) => {
        // Prepare
        const mayInvoke = FUNCTION_ENV[name].includes('workerFunctionName') || name === 'worker';

        // Act
        const statements = statementsWithAction(
          statementsOf(template, fnIds[name]),
          'lambda:InvokeFunction',
        );
        const resources = statements.flatMap((s) => [s.Resource].flat().map(render));

        // Assess
        expect(resources.sort()).toEqual(
          mayInvoke ? [`{${fnIds.worker}.Arn}`, `{${fnIds.worker}.Arn}:$LATEST`] : [],
        );
      },
    );

    it('lets connect invoke deliver', () => {
      // Act
      const statements = statementsWithAction(
        statementsOf(template, fnIds.connect),
        'lambda:InvokeFunction',
      );

      // Assess
      expect(statements.flatMap((s) => [s.Resource].flat().map(render))).toContain(
        `{${fnIds.worker}.Arn}`,
      );
    });

    it.each(FUNCTION_NAMES)(
      '%s has no managed policy and writes to its own log group only',
      (name) => {
        // Prepare
        const fn = resourceOf(template, 'AWS::Lambda::Function', fnIds[name]);
        const roleId = render(fn.Properties.Role).replace(/^\{(.+)\.Arn\}$/, '$1');
        const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup
          .Ref;

        // Act
        const role = resourceOf(template, 'AWS::IAM::Role', roleId);
        const logStatements = statementsOf(template, fnIds[name]).filter((s) =>
          [s.Action].flat().some((action) => action.startsWith('logs:')),
        );

        // Assess
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(logStatements).toHaveLength(1);
        expect([logStatements[0]?.Action].flat().sort()).toEqual([
          'logs:CreateLogStream',
          'logs:PutLogEvents',
        ]);
        expect([logStatements[0]?.Resource].flat().map(render)).toEqual([`{${logGroupId}.Arn}`]);
      },
    );

    it('grants nothing on Resource "*" but X-Ray, which has no narrower resource', () => {
      // Act
      const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: { Resource: unknown; Action: unknown }[] })
            .Statement,
      );
      const onEverything = statements.filter((s) => [s.Resource].flat().includes('*'));

      // Assess
      expect(statements.length).toBeGreaterThan(0);
      expect(onEverything.length).toBeGreaterThan(0);
      for (const statement of onEverything) {
        expect([statement.Action].flat().sort()).toEqual([
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ]);
      }
    });
  });

  describe('Table', () => {
    it('has the keys, TTL, PITR, on-demand billing and SSE of the definition', () => {
      // Assess
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE.sortKey, AttributeType: 'S' },
        ]),
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
      });
    });

    it('is deleted with the stack by default', () => {
      // Assess
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
    });
  });

  describe('Outputs', () => {
    it('outputs the WebSocket URL, the socket.io-client URL and path, the callback URL, the table name, the auth mode and the user pool, without exports', () => {
      // Act
      const outputs = template.findOutputs('*') as Record<
        string,
        { Value: unknown; Export?: unknown }
      >;

      // Assess
      expect(Object.keys(outputs).sort()).toEqual([
        'AuthMode',
        'CallbackUrl',
        'DashboardName',
        'DashboardUrl',
        'EmitterPolicyArn',
        'Region',
        'SignInDomain',
        'SocketIoPath',
        'SocketIoUrl',
        'TableName',
        'UserPoolClientId',
        'UserPoolId',
        'WebSocketUrl',
      ]);
      expect(outputs.AuthMode?.Value).toBe('cognito');
      expect(render(outputs.WebSocketUrl?.Value)).toBe(
        `wss://{${apiId}}.execute-api.{AWS::Region}.{AWS::URLSuffix}/dev`,
      );
      expect(render(outputs.CallbackUrl?.Value)).toBe(
        `https://{${apiId}}.execute-api.{AWS::Region}.{AWS::URLSuffix}/dev`,
      );
      expect(render(outputs.TableName?.Value)).toBe(`{${tableId}}`);
      expect(render(outputs.SocketIoUrl?.Value)).toBe(
        `https://{${apiId}}.execute-api.{AWS::Region}.{AWS::URLSuffix}`,
      );
      expect(outputs.SocketIoPath?.Value).toBe('/dev');
      for (const output of Object.values(outputs)) expect(output.Export).toBeUndefined();
    });
  });

  describe('Portability', () => {
    it('contains no literal account id, region or ARN', () => {
      // Act
      const json = JSON.stringify(template.toJSON());

      // Assess
      expect(json).not.toMatch(/\b\d{12}\b/);
      expect(json).not.toMatch(
        /\b(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b/,
      );
      expect(json).not.toMatch(/arn:aws[a-z-]*:/);
    });
  });

  describe('Context', () => {
    it('applies custom stage name and throttling, also given as CLI strings', () => {
      // Act
      const { template: custom } = synthWithContext({
        stageName: 'prod',
        throttlingRateLimit: '42.5',
        throttlingBurstLimit: 84,
      });
      const customApiId = onlyIdOf(custom, 'AWS::ApiGatewayV2::Api');
      const connectId = functionIds(custom).connect;

      // Assess
      custom.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: 'prod',
        DefaultRouteSettings: { ThrottlingRateLimit: 42.5, ThrottlingBurstLimit: 84 },
      });
      const grants = statementsWithAction(
        statementsOf(custom, connectId),
        'execute-api:ManageConnections',
      );
      expect([grants[0]?.Resource].flat().map(render)).toEqual([
        manageConnectionsArn(customApiId, 'prod', 'POST'),
        manageConnectionsArn(customApiId, 'prod', 'DELETE'),
      ]);
    });

    it('gives the message function the private-room allow-lists, and only when there are some', () => {
      // Prepare
      const rooms = { 'private:ops': ['alice'] };

      // Act
      const { template: withRooms } = synthWithContext({ privateRooms: rooms });
      const { template: without } = synthWithContext({});

      // Assess
      const variables = (template: Template, name: string) =>
        (template.toJSON().Resources[functionIds(template)[name as 'message']].Properties
          .Environment?.Variables ?? {}) as Record<string, unknown>;
      expect(variables(withRooms, 'message').PRIVATE_ROOMS).toBe(JSON.stringify(rooms));
      for (const name of ['connect', 'disconnect', 'worker']) {
        expect(variables(withRooms, name).PRIVATE_ROOMS).toBeUndefined();
      }
      expect(variables(without, 'message').PRIVATE_ROOMS).toBeUndefined();
    });

    it('gives the functions that emit the history retention and length of the context', () => {
      // Act
      const { template: custom } = synthWithContext({
        historyRetentionSeconds: 3600,
        historyMaxLength: 50,
      });

      // Assess
      const variables = (name: string) =>
        (custom.toJSON().Resources[functionIds(custom)[name as 'message']].Properties.Environment
          ?.Variables ?? {}) as Record<string, unknown>;
      for (const name of ['message', 'connect']) {
        expect(variables(name)).toMatchObject({
          HISTORY_RETENTION_SECONDS: '3600',
          HISTORY_MAX_LENGTH: '50',
        });
      }
      expect(variables('authorize').HISTORY_RETENTION_SECONDS).toBeUndefined();
    });

    it('gives the chat functions the per-user limits of the context, and sets none by default', () => {
      // Act
      const { template: custom } = synthWithContext({
        maxConnectionsPerUser: 3,
        userMessageLimit: 5,
        userDeliveryLimit: 900,
        greetingIntervalSeconds: 5,
        maxRoomsPerSocket: 20,
      });

      // Assess
      const variablesOf = (built: typeof custom, name: string) =>
        (built.toJSON().Resources[functionIds(built)[name as 'message']].Properties.Environment
          ?.Variables ?? {}) as Record<string, unknown>;
      for (const name of ['connect', 'disconnect', 'message', 'worker']) {
        expect(variablesOf(custom, name)).toMatchObject({
          MAX_CONNECTIONS_PER_USER: '3',
          USER_MESSAGE_LIMIT: '5',
          USER_DELIVERY_LIMIT: '900',
          GREETING_INTERVAL_SECONDS: '5',
          MAX_ROOMS_PER_SOCKET: '20',
        });
        expect(variablesOf(custom, name).USER_MESSAGE_WINDOW_SECONDS).toBeUndefined();
        expect(variablesOf(template, name).MAX_CONNECTIONS_PER_USER).toBeUndefined();
        expect(variablesOf(template, name).MAX_ROOMS_PER_SOCKET).toBeUndefined();
      }
      expect(variablesOf(custom, 'authorize').USER_MESSAGE_LIMIT).toBeUndefined();
    });

    it('retains the table and log groups when removalPolicy is retain', () => {
      // Act
      const { template: retained } = synthWithContext({ removalPolicy: 'retain' });

      // Assess
      retained.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      for (const logGroup of Object.values(resourcesOf(retained, 'AWS::Logs::LogGroup'))) {
        expect(logGroup.DeletionPolicy).toBe('Retain');
      }
    });

    it('retains the table with a warning when removalPolicy is snapshot', () => {
      // Act
      const { stack, template: snapshot } = synthWithContext({ removalPolicy: 'snapshot' });

      // Assess
      snapshot.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('snapshot'));
    });

    it.each([
      ['throttlingRateLimit', 'fast'],
      ['throttlingRateLimit', -1],
      ['throttlingBurstLimit', 1.5],
      ['removalPolicy', 'keep'],
      ['stageName', 'bad stage!'],
      ['authMode', 'open'],
      ['jwtIssuer', 'http://not-https'],
      ['cognitoDomainPrefix', 'my-cognito-chat'],
      ['cognitoDomainPrefix', 'Chat'],
      ['cognitoDomainPrefix', '-chat'],
    ])('throws InvalidContextError for %s=%p', (key, value) => {
      // Act / Assess
      expect(() => synthWithContext({ [key]: value })).toThrow(InvalidContextError);
      expect(() => synthWithContext({ [key]: value })).toThrow(key);
    });
  });
});
