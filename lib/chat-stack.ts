import * as path from 'node:path';
import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnIntegrationResponse,
  LogGroupLogDestination,
  WebSocketApi,
  WebSocketIntegration,
  type WebSocketRoute,
  WebSocketStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  WebSocketLambdaIntegration,
  WebSocketMockIntegration,
} from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant, type IGrantable, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  APP_ENV,
  AUTH_ENV,
  authorizerIdentitySource,
  CONNECT_AUTHORIZER,
  DEFAULT_TOKEN_MAX_AGE_SECONDS,
  ENV,
  FUNCTION_ENV,
  type FunctionName,
  LAMBDA_FUNCTIONS,
  ROUTE_SELECTION_EXPRESSION,
  ROUTES,
  type RouteDefinition,
} from '../definitions/api';
import { DEFAULT_HEARTBEAT } from '../definitions/app-environment';
import { FAN_OUT_SIZING } from '../definitions/fan-out-sizing';
import type { PageSignInConfig } from '../definitions/page-config';
import { TABLE } from '../definitions/table';
import { ChatFunction } from './chat-function';
import { ChatSignIn } from './chat-sign-in';
import { connectionsArn } from './connections-arn';
import { EmitterAccess } from './emitter-access';
import { FUNCTION_CONNECTION_METHODS, FUNCTION_TABLE_ACTIONS } from './least-privilege';
import { suppressNagFindings } from './nag-suppressions';
import {
  MAX_EVENT_ROUTES,
  type NestGatewayFunctions,
  type NestGatewayModule,
  parseNestModule,
  prepareNestGateways,
} from './nest-gateway-module';
import { ChatObservability } from './observability';
import {
  DEFAULT_STACK_CONFIG,
  LIMIT_CONTEXT_KEYS,
  type RemovalPolicyName,
  readStackConfig,
  type StackConfig,
} from './stack-config';
import { WebHosting } from './web-hosting';

type EnvKey = keyof typeof ENV;

/** Key of the one template of a MOCK integration (request and response). */
const MOCK_TEMPLATE_KEY = '$default';
/** A static selection expression that always picks `MOCK_TEMPLATE_KEY` (`$` escaped). */
const MOCK_TEMPLATE_SELECTION = '\\$default';

const FUNCTION_NAMES = Object.keys(LAMBDA_FUNCTIONS) as FunctionName[];

/** One JSON object per stage access log line: who, which route, and how it ended. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: AccessLogField.contextRequestId(),
    requestTime: AccessLogField.contextRequestTime(),
    ip: AccessLogField.contextIdentitySourceIp(),
    eventType: AccessLogField.contextEventType(),
    routeKey: AccessLogField.contextRouteKey(),
    connectionId: AccessLogField.contextConnectionId(),
    status: AccessLogField.contextStatus(),
    error: AccessLogField.contextErrorMessage(),
    integrationError: AccessLogField.contextIntegrationErrorMessage(),
  }),
);

/** The functions that post a room message's frames: the first shard, and the others. */
const FAN_OUT_FUNCTIONS = new Set<FunctionName>(['message', 'worker']);

/** Functions behind a route (and the authorizer); the others are asynchronous workers. */
const ROUTED_FUNCTIONS = new Set<FunctionName>([
  ...ROUTES.flatMap((route) =>
    route.integration.type === 'lambda' ? [route.integration.function] : [],
  ),
  CONNECT_AUTHORIZER.function,
]);

export interface ChatStackProps extends StackProps {
  /** @default readStackConfig(this.node): the CDK context, validated */
  readonly config?: StackConfig;
  /** Directory of the built chat page (`buildWeb()`), hosted on CloudFront. @default no page */
  readonly webDir?: string;
  /**
   * Handler files in place of the chat's (absolute paths), e.g. handlers whose runtime builds
   * your own namespaces (`createChatRuntime({ app })`). @default `LAMBDA_FUNCTIONS`' entries
   */
  readonly entries?: Partial<Record<FunctionName, string>>;
  /**
   * Bundles the `entries` with the decorator metadata Nest gateways need
   * (`createNestGatewayHandlers`: injection by type, `ValidationPipe` DTOs). @default false
   */
  readonly decoratorMetadata?: boolean;
  /**
   * A Nest module whose gateways run in place of the chat's namespaces: the connect,
   * disconnect and message functions get generated entries on `createNestGatewayHandlers`
   * (bundled with decorator metadata), and every `@SubscribeMessage` event gets a route to the
   * message function (up to `MAX_EVENT_ROUTES`; `$default` takes every event all the same).
   * The module is loaded at synth to read its decorators. @default the `nestModule` context
   * key (`-c nestModule=src/chat.module.ts#ChatModule`), else the chat
   */
  readonly nest?: NestGatewayModule;
}

/**
 * The whole chat backend, built from `definitions/api.ts` and `definitions/table.ts`:
 * a WebSocket API with its stage, one Lambda function per `LAMBDA_FUNCTIONS` entry,
 * one DynamoDB table, and the grants each function's environment implies. The stage writes
 * JSON access logs to its own log group. With `webDir`, also the chat page on CloudFront,
 * pointed at the stage. The cdk-nag AwsSolutions findings the stack accepts are suppressed,
 * each with its reason, by `nag-suppressions.ts`.
 *
 * @example
 * new ChatStack(new App(), 'ApigwChat', { webDir: await buildWeb() });
 */
export class ChatStack extends Stack {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  /** The stage's access log: one JSON line per connect, message and disconnect. */
  readonly accessLogGroup: LogGroup;
  /** Every route of `ROUTES`, by route key. */
  readonly routes: Readonly<Record<string, WebSocketRoute>>;
  readonly table: Table;
  readonly functions: Readonly<Record<FunctionName, NodejsFunction>>;
  /** Invokes the `heartbeat` function every minute (EventBridge rule). */
  readonly heartbeatSchedule: Rule;
  /** The Lambda REQUEST authorizer of `$connect`. */
  readonly connectAuthorizer: WebSocketLambdaAuthorizer;
  readonly web: WebHosting | undefined;
  /** The user pool, page client and hosted sign-in domain (`authMode=cognito`, the default). */
  readonly signIn: ChatSignIn | undefined;
  /** The policy a backend outside the stack attaches to emit (`EmitterPolicyArn`). */
  readonly emitterAccess: EmitterAccess;
  /** The dashboard and alarms; the alarms notify `alarmEmail` when it is set. */
  readonly observability: ChatObservability;
  /** The Nest module's gateways, their events and generated entries (`nest`). */
  readonly nestGateways: NestGatewayFunctions | undefined;

  constructor(scope: Construct, id: string, props: ChatStackProps = {}) {
    super(scope, id, props);
    const config = props.config ?? readStackConfig(this.node);
    const removalPolicy = this.toRemovalPolicy(config.removalPolicy);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: TABLE.ttlAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy,
    });

    this.api = new WebSocketApi(this, 'Api', {
      apiName: this.stackName,
      description: 'apigw-chat: Socket.IO-style chat',
      routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    });
    this.accessLogGroup = new LogGroup(this, 'StageAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    // Prerequisite: API Gateway writes WebSocket access logs with the account's CloudWatch Logs
    // role (console: API Gateway → Settings; CloudFormation: AWS::ApiGateway::Account), and
    // creating this stage fails with "CloudWatch Logs role ARN must be set in account settings"
    // until it is set. The setting is one per account and region, shared by every API there,
    // so no application stack should own it (deleting the stack would break the others'
    // logging); cdk-nag does not ask for it either. Set it once per account and region, to a
    // role trusted by apigateway.amazonaws.com with AmazonAPIGatewayPushToCloudWatchLogs:
    //   aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role ARN>
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: config.stageName,
      autoDeploy: true,
      throttle: { rateLimit: config.throttlingRateLimit, burstLimit: config.throttlingBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const nest = props.nest ?? (config.nestModule ? parseNestModule(config.nestModule) : undefined);
    this.nestGateways = nest && prepareNestGateways(nest, path.join(__dirname, '..'));
    if (this.nestGateways && this.nestGateways.events.length > MAX_EVENT_ROUTES) {
      Annotations.of(this).addWarningV2(
        'apigw-chat:nestEventRoutes',
        `${this.nestGateways.events.length} gateway events: the first ${MAX_EVENT_ROUTES} get routes of their own, the others reach the message function through $default`,
      );
    }
    this.functions = this.createFunctions(
      removalPolicy,
      { ...this.nestGateways?.entries, ...props.entries },
      (props.decoratorMetadata ?? false) || this.nestGateways !== undefined,
    );
    this.wireEnvironment();
    // The Socket.IO heartbeat: every tick pings the connections of one slot (HeartbeatSettings).
    this.heartbeatSchedule = new Rule(this, 'HeartbeatSchedule', {
      description: 'Pings the Socket.IO connections of the heartbeat slot due',
      schedule: Schedule.rate(Duration.millis(DEFAULT_HEARTBEAT.tickMs)),
      targets: [new LambdaFunction(this.functions.heartbeat)],
    });
    for (const name of FAN_OUT_FUNCTIONS) {
      this.functions[name].addEnvironment(
        APP_ENV.fanoutShardSize,
        String(FAN_OUT_SIZING.shardSize),
      );
    }
    // The functions that emit to durable rooms; the app's own defaults apply when unchanged.
    for (const fn of [this.functions.message, this.functions.connect]) {
      if (config.historyRetentionSeconds !== DEFAULT_STACK_CONFIG.historyRetentionSeconds)
        fn.addEnvironment(APP_ENV.historyRetentionSeconds, String(config.historyRetentionSeconds));
      if (config.historyMaxLength !== DEFAULT_STACK_CONFIG.historyMaxLength)
        fn.addEnvironment(APP_ENV.historyMaxLength, String(config.historyMaxLength));
    }
    // The per-user limits, where they are counted and released; defaults when unchanged.
    const limitVariables: Record<(typeof LIMIT_CONTEXT_KEYS)[number], string> = {
      maxConnectionsPerUser: APP_ENV.maxConnectionsPerUser,
      userMessageLimit: APP_ENV.userMessageLimit,
      userMessageWindowSeconds: APP_ENV.userMessageWindowSeconds,
      userDeliveryLimit: APP_ENV.userDeliveryLimit,
      userDeliveryWindowSeconds: APP_ENV.userDeliveryWindowSeconds,
      greetingIntervalSeconds: APP_ENV.greetingIntervalSeconds,
      maxRoomsPerSocket: APP_ENV.maxRoomsPerSocket,
    };
    for (const key of LIMIT_CONTEXT_KEYS) {
      if (config[key] === DEFAULT_STACK_CONFIG[key]) continue;
      for (const name of ['connect', 'disconnect', 'message', 'worker'] as const)
        this.functions[name].addEnvironment(limitVariables[key], String(config[key]));
    }
    if (Object.keys(config.privateRooms).length > 0) {
      this.functions.message.addEnvironment(
        APP_ENV.privateRooms,
        JSON.stringify(config.privateRooms),
      );
    }
    this.signIn =
      config.authMode === 'cognito'
        ? new ChatSignIn(this, 'SignIn', {
            removalPolicy,
            ...(config.cognitoDomainPrefix === undefined
              ? {}
              : { domainPrefix: config.cognitoDomainPrefix }),
          })
        : undefined;
    this.connectAuthorizer = this.createAuthorizer(config);
    this.routes = Object.fromEntries(
      [...ROUTES, ...eventRoutes(this.nestGateways?.events ?? [])].map((route) => [
        route.routeKey,
        this.addRoute(route),
      ]),
    );

    new CfnOutput(this, 'WebSocketUrl', {
      value: this.stage.url,
      description: 'wss:// URL for clients',
    });
    // socket.io-client takes the origin (plus the namespace) and the stage as its path.
    new CfnOutput(this, 'SocketIoUrl', {
      value: `https://${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
      description:
        'socket.io-client: io(SocketIoUrl + namespace, { path: SocketIoPath, addTrailingSlash: false, transports: ["websocket"], protocols: ["apigw-chat", "token." + accessToken] })',
    });
    new CfnOutput(this, 'SocketIoPath', {
      value: `/${config.stageName}`,
      description: "socket.io-client's path option: the stage",
    });
    new CfnOutput(this, 'CallbackUrl', {
      value: this.stage.callbackUrl,
      description: '@connections management API endpoint',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AuthMode', {
      value: config.authMode,
      description:
        'cognito: $connect needs ?token=<access token of the stack user pool>; jwt: of jwtIssuer; anonymous: anyone may connect',
    });
    if (this.signIn) {
      new CfnOutput(this, 'UserPoolId', { value: this.signIn.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', {
        value: this.signIn.client.userPoolClientId,
        description: "The page's public client (authorization code + PKCE)",
      });
      new CfnOutput(this, 'SignInDomain', {
        value: this.signIn.domain.baseUrl(),
        description: 'Hosted sign-in and sign-up pages',
      });
    }
    this.emitterAccess = new EmitterAccess(this, 'EmitterAccess', {
      table: this.table,
      stage: this.stage,
    });

    this.observability = new ChatObservability(this, 'Observability', {
      api: this.api,
      stage: this.stage,
      functions: this.functions,
      alarmEmail: config.alarmEmail,
      removalPolicy,
    });

    this.web =
      props.webDir === undefined
        ? undefined
        : this.hostPage(props.webDir, removalPolicy, this.pageSignIn(config));
    suppressNagFindings(this);
  }

  /** CloudFormation cannot snapshot tables, log groups or buckets: `snapshot` retains them. */
  private toRemovalPolicy(name: RemovalPolicyName): RemovalPolicy {
    if (name === 'destroy') return RemovalPolicy.DESTROY;
    if (name === 'snapshot') {
      Annotations.of(this).addWarningV2(
        'apigw-chat:snapshotRetains',
        'removalPolicy=snapshot: DynamoDB tables, log groups and buckets have no CloudFormation snapshot; they are retained instead.',
      );
    }
    return RemovalPolicy.RETAIN;
  }

  /**
   * The page on CloudFront with config.json naming this stage and where to sign in, and its
   * `WebUrl` output; the user pool client accepts the page's URL as a redirect.
   */
  private hostPage(
    webDir: string,
    removalPolicy: RemovalPolicy,
    signIn: PageSignInConfig | undefined,
  ): WebHosting {
    const web = new WebHosting(this, 'Web', {
      assetDir: webDir,
      webSocketUrl: this.stage.url,
      ...(signIn === undefined ? {} : { signIn }),
      removalPolicy,
    });
    this.signIn?.addPageUrl(`${web.url}/`);
    new CfnOutput(this, 'WebUrl', { value: web.url, description: 'https:// URL of the chat page' });
    return web;
  }

  /** Where the page signs in: the stack's pool, or `jwtIssuer` when `jwtClientId` names the page's client. */
  private pageSignIn(config: StackConfig): PageSignInConfig | undefined {
    if (this.signIn) return this.signIn.pageConfig;
    if (config.authMode !== 'jwt' || !config.jwtIssuer || !config.jwtClientId) return undefined;
    return { issuer: config.jwtIssuer, clientId: config.jwtClientId, scope: 'openid profile' };
  }

  private createFunctions(
    logRemovalPolicy: RemovalPolicy,
    entries: Partial<Record<FunctionName, string>>,
    decoratorMetadata: boolean,
  ): Record<FunctionName, NodejsFunction> {
    const created = FUNCTION_NAMES.map((name) => {
      const { entry, description } = LAMBDA_FUNCTIONS[name];
      const { fn } = new ChatFunction(this, `${pascalCase(name)}Function`, {
        entry: entries[name] ?? path.join(__dirname, '..', entry),
        description,
        // Route integrations are cut off by API Gateway at 29 s; workers may take longer.
        timeout: Duration.seconds(ROUTED_FUNCTIONS.has(name) ? 10 : 30),
        // The functions that post a room's messages get the fan-out model's memory.
        ...(FAN_OUT_FUNCTIONS.has(name) ? { memorySize: FAN_OUT_SIZING.memoryMb } : {}),
        logRemovalPolicy,
        ...(decoratorMetadata && entries[name] !== undefined ? { decoratorMetadata } : {}),
      });
      return [name, fn] as const;
    });
    return Object.fromEntries(created) as Record<FunctionName, NodejsFunction>;
  }

  /** Sets each function's variables from FUNCTION_ENV and grants exactly what each one names. */
  private wireEnvironment(): void {
    const values: Record<EnvKey, string> = {
      tableName: this.table.tableName,
      callbackUrl: this.stage.callbackUrl,
      workerFunctionName: this.functions.worker.functionName,
    };
    // Least privilege: the table actions and `@connections` methods each function's code uses.
    const grants: Record<EnvKey, (grantee: IGrantable, name: FunctionName) => unknown> = {
      tableName: (grantee, name) =>
        Grant.addToPrincipal({
          grantee,
          actions: FUNCTION_TABLE_ACTIONS[name].map((action) => `dynamodb:${action}`),
          resourceArns: [this.table.tableArn],
        }),
      callbackUrl: (grantee, name) =>
        Grant.addToPrincipal({
          grantee,
          actions: ['execute-api:ManageConnections'],
          resourceArns: FUNCTION_CONNECTION_METHODS[name].map((method) =>
            connectionsArn(this.stage, method),
          ),
        }),
      // Unqualified only: the caller invokes by name, never a version or alias (`:*`).
      workerFunctionName: (grantee) => this.functions.worker.grantInvokeLatestVersion(grantee),
    };
    for (const name of FUNCTION_NAMES) {
      const fn = this.functions[name];
      for (const key of FUNCTION_ENV[name]) {
        fn.addEnvironment(ENV[key], values[key]);
        grants[key](fn, name);
      }
    }
    this.letWorkerInvokeItself();
  }

  /**
   * The worker hands a gone clean-up it cannot finish in time to a new invocation of
   * itself, by the name Lambda gives it (AWS_LAMBDA_FUNCTION_NAME). The grant is a policy of
   * its own: the function depends on its role's default policy, which therefore cannot name it.
   */
  private letWorkerInvokeItself(): void {
    const worker = this.functions.worker;
    if (!worker.role) throw new Error('The worker function has no role');
    new Policy(this, 'WorkerInvokesItself', {
      roles: [worker.role],
      statements: [
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [worker.functionArn, `${worker.functionArn}:$LATEST`],
        }),
      ],
    });
  }

  /**
   * The `$connect` authorizer, its function given only the auth variables of `config`: in
   * cognito mode the stack's pool as issuer, its page client as audience and its JWKS.
   * Identity source (see `authorizerIdentitySource`): with tokens required it is
   * `route.request.querystring.token`, so API Gateway answers 401 to a connection without
   * `?token=` before invoking anything. Identity sources must all be present, so it cannot be
   * "query string or subprotocol header": on AWS the token goes in the query string (what
   * browsers and the client SDK can send; the reference lists query-string and header sources
   * only). A client that offers `token.<jwt>` as a subprotocol is accepted by the authorizer
   * only in anonymous mode, where the identity source is empty (optional for REQUEST
   * authorizers per the API Gateway v2 API reference) and every connection reaches the authorizer.
   */
  private createAuthorizer(config: StackConfig): WebSocketLambdaAuthorizer {
    const fn = this.functions[CONNECT_AUTHORIZER.function];
    fn.addEnvironment(AUTH_ENV.authMode, config.authMode === 'anonymous' ? 'anonymous' : 'jwt');
    if (this.signIn) {
      fn.addEnvironment(AUTH_ENV.jwtIssuer, this.signIn.issuer);
      fn.addEnvironment(AUTH_ENV.jwtAudience, this.signIn.client.userPoolClientId);
      fn.addEnvironment(AUTH_ENV.jwtJwksUri, this.signIn.jwksUri);
    } else if (config.authMode === 'anonymous') {
      Annotations.of(this).addWarningV2(
        'apigw-chat:anonymousAccess',
        'authMode=anonymous: $connect accepts every client without a token (guest identities).',
      );
    } else if (config.jwtIssuer === undefined || config.jwtAudience === undefined) {
      Annotations.of(this).addWarningV2(
        'apigw-chat:jwtNotConfigured',
        'authMode=jwt without jwtIssuer and jwtAudience: the authorizer refuses every connection. Set them with -c jwtIssuer=https://... -c jwtAudience=...',
      );
    } else {
      fn.addEnvironment(AUTH_ENV.jwtIssuer, config.jwtIssuer);
      fn.addEnvironment(AUTH_ENV.jwtAudience, config.jwtAudience);
    }
    if (config.authMode !== 'anonymous') this.setTokenPolicy(fn, config);
    return new WebSocketLambdaAuthorizer('ConnectAuthorizer', fn, {
      identitySource: authorizerIdentitySource(config.authMode),
    });
  }

  /**
   * The authorizer's claim checks: `token_use` (`jwtTokenUse`; unset, `access` with the
   * stack's pool, whose page and wscat send access tokens) and the maximum token age, when
   * `tokenMaxAgeSeconds` differs from the authorizer's default.
   */
  private setTokenPolicy(fn: NodejsFunction, config: StackConfig): void {
    const tokenUse = config.jwtTokenUse ?? (this.signIn ? 'access' : 'any');
    if (tokenUse !== 'any') fn.addEnvironment(AUTH_ENV.jwtTokenUse, tokenUse);
    if (config.tokenMaxAgeSeconds !== DEFAULT_TOKEN_MAX_AGE_SECONDS) {
      fn.addEnvironment(AUTH_ENV.tokenMaxAgeSeconds, String(config.tokenMaxAgeSeconds));
    }
  }

  private addRoute(route: RouteDefinition): WebSocketRoute {
    const { routeKey, integration, returnResponse } = route;
    const integrationId = `${routeKey}Integration`;
    if (integration.type === 'lambda') {
      const handler = this.functions[integration.function];
      return this.api.addRoute(routeKey, {
        integration: new WebSocketLambdaIntegration(integrationId, handler),
        returnResponse,
        ...(route.authorized ? { authorizer: this.connectAuthorizer } : {}),
      });
    }
    const mockRoute = this.api.addRoute(routeKey, {
      integration: new WebSocketMockIntegration(integrationId, {
        requestTemplates: { [MOCK_TEMPLATE_KEY]: JSON.stringify({ statusCode: 200 }) },
        templateSelectionExpression: MOCK_TEMPLATE_SELECTION,
      }),
      returnResponse,
    });
    // Escape hatch: WebSocketMockIntegration (aws-cdk-lib 2.276) cannot declare an
    // integration response, and a MOCK route sends nothing back without one. The L2
    // creates the integration as a child of the route under the integration's id.
    const created = mockRoute.node.findChild(integrationId);
    if (!(created instanceof WebSocketIntegration)) {
      throw new Error(`No WebSocketIntegration "${integrationId}" under route ${routeKey}`);
    }
    new CfnIntegrationResponse(mockRoute, 'IntegrationResponse', {
      apiId: this.api.apiId,
      integrationId: created.integrationId,
      integrationResponseKey: '$default',
      templateSelectionExpression: MOCK_TEMPLATE_SELECTION,
      responseTemplates: { [MOCK_TEMPLATE_KEY]: integration.responseBody },
    });
    return mockRoute;
  }
}

/**
 * A route to the message function for each gateway event, so that API Gateway's access logs
 * and metrics name it; at most `MAX_EVENT_ROUTES` (the others, and Socket.IO frames, which
 * carry no `action`, reach the same function through `$default`).
 */
function eventRoutes(events: readonly string[]): RouteDefinition[] {
  const taken = new Set(ROUTES.map((route) => route.routeKey));
  for (const event of events) {
    if (taken.has(event) || event.startsWith('$')) {
      throw new Error(
        `The gateway event "${event}" is a route key the stack keeps (${[...taken].join(', ')}, or any $…): rename the event`,
      );
    }
  }
  return events.slice(0, MAX_EVENT_ROUTES).map((routeKey) => ({
    routeKey,
    integration: { type: 'lambda', function: 'message' },
    returnResponse: true,
  }));
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
