import { dirname, relative, resolve, sep } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { removeLocalDiscovery, writeLocalDiscovery } from '../cli/local-discovery';
import { APP_ENV } from '../definitions/api';
import { parseNestModule } from '../definitions/nest-module';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import { type ScheduledRules, startScheduledRules } from './events/scheduled-rules';
import {
  consoleLogger,
  type Gateway,
  type GatewayOptions,
  type HttpRoute,
  LOCAL_AWS,
  loopbackHostCheck,
  startGateway,
} from './gateway';
import { type CodeWatcher, watchCode } from './lambda/code-watcher';
import { FunctionPool } from './lambda/function-pool';
import { LocalXRayDaemon } from './lambda/xray-daemon';
import { type AuthorizerSettings, authEnvironment, type LocalAuth } from './local-auth';
import { generateIssuerKeys } from './oidc/issuer-keys';
import { isIssuerPath, localIssuerUrl } from './oidc/issuer-settings';
import { createLocalIssuer, type LocalIssuer } from './oidc/local-issuer';
import { createPageConfigRoute } from './page-config-route';
import { type AppTemplate, readTemplateFile, synthesizeChatStack } from './template/app-template';
import { createTemplateTable } from './template/create-tables';
import { localFunctionSpecs } from './template/function-specs';
import { readApiTemplate, type TemplateApi } from './template/read-api-template';

/**
 * Per-user budgets so large that only the per-connection limit refuses frames: for the
 * benchmarks, which measure the stage, not the limits (`environment` of the runtime).
 */
export const BENCH_USER_LIMITS: Readonly<Record<string, string>> = {
  [APP_ENV.userMessageLimit]: '1000000',
  [APP_ENV.userDeliveryLimit]: '1000000000',
};

/** The chat's table in DynamoDB Local (persisted data outlives restarts under this name). */
export const LOCAL_TABLE_NAME = 'apigw-chat-local';
/** The chat's stage locally: the last segment of `ws://localhost:3001/local`. */
export const LOCAL_STAGE = 'local';
/** Containers per function when the template reserves no concurrency. */
const DEFAULT_MAX_CONTAINERS = 8;

export interface LocalRuntimeOptions {
  /** Gateway port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Where DynamoDB Local keeps its data; omitted = in memory. */
  readonly dataDir?: string;
  /**
   * How the chat's `$connect` authorizer checks clients (its function runs in every mode).
   * `oidc` also serves the local issuer under `/oidc` and tells the page about it in
   * `/config.json`. Required unless `template` is given.
   */
  readonly auth?: LocalAuth;
  /**
   * A template `cdk synth` wrote (e.g. `cdk.out/MyStack.template.json`): run that app's
   * WebSocket API. Default: this repository's `ChatStack`, synthesized in this process.
   */
  readonly template?: string;
  /** Any other gateway option (timeouts, limits, static files, logger). */
  readonly gateway?: Omit<
    GatewayOptions,
    'port' | 'functions' | 'authorizer' | 'routes' | 'routeSelectionExpression' | 'stage'
  >;
  /** More environment variables for every function (e.g. `FANOUT_SHARD_SIZE`), over the template's. */
  readonly environment?: Readonly<Record<string, string>>;
  /** CDK context over `cdk.json`'s when the chat stack is synthesized (e.g. `privateRooms`). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Containers per function when the template reserves no concurrency. Default 8. */
  readonly maxContainers?: number;
  /** Watch the handlers' code and retire warm containers when it changes (`npm start`). */
  readonly watch?: boolean;
  /** Let DynamoDB Local die at once on SIGINT/SIGTERM (default true; `npm start` shuts down in order). */
  readonly stopDatabaseOnSignals?: boolean;
  /**
   * Where to announce the runtime to emitters (`apigw-chat emit`): table, callback URL,
   * DynamoDB endpoint, region and credentials, written once it serves and removed by
   * `close()`. Default: nowhere (`npm start` passes `.apigw-chat/local.json`).
   */
  readonly discoveryFile?: string;
  /**
   * The rate of every scheduled rule of the template (the heartbeat's), instead of its own:
   * tests tick faster than EventBridge's minute. Default: the template's.
   */
  readonly scheduleRateMs?: number;
  /**
   * Run the functions whose template asks for active tracing traced, as on Lambda: the X-Ray
   * SDK in its Lambda mode, a trace header per invocation, and a local daemon (`xray`) that
   * takes the segments. Default: off (no daemon; Powertools' tracer disabled), unless the
   * shell sets `POWERTOOLS_TRACE_ENABLED=true`.
   */
  readonly tracing?: boolean;
}

/** DynamoDB Local with the template's tables, and the gateway running its functions. */
export interface LocalRuntime {
  readonly gateway: Gateway;
  readonly dynamoDbEndpoint: string;
  /** The first table of the template (the chat has one). */
  readonly tableName: string;
  readonly auth: LocalAuth | undefined;
  /** The local OIDC issuer (`auth.mode` `oidc`). */
  readonly issuer: LocalIssuer | undefined;
  /** What runs: routes, functions, tables, as read from the template. */
  readonly api: TemplateApi;
  /** Directories watched for code changes (empty without `watch`). */
  readonly watching: readonly string[];
  /** The segments traced functions sent (with `tracing`). */
  readonly xray: LocalXRayDaemon | undefined;
  /** Retires every warm container: the next invocations load the code afresh. */
  reload(): void;
  /** Closes every connection (firing `$disconnect`), ends the containers, then stops DynamoDB Local. */
  close(): Promise<void>;
}

/**
 * Runs a WebSocket API on this machine as its CloudFormation template declares it:
 * DynamoDB Local with the template's tables, and the API Gateway emulator with its routes,
 * authorizer and stage, each Lambda function in containers of its own (see
 * `local/lambda/function-pool.ts`) with its template environment, timeout and memory. By
 * default the template is this repository's chat stack, synthesized in this process.
 *
 * @example
 * const runtime = await startLocalRuntime({ port: 3001, dataDir: '.data/dynamodb', auth: { mode: 'oidc' } });
 * const token = await runtime.issuer?.signToken({ user: 'alice' });
 * console.log(runtime.gateway.url); // ws://127.0.0.1:3001/local
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { auth } = options;
  if (auth === undefined && options.template === undefined) {
    throw new Error('startLocalRuntime needs `auth` for the chat stack, or a `template`');
  }
  const started = startDynamoDbLocal({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    stopOnSignals: options.stopDatabaseOnSignals ?? true,
  });
  let db: DynamoDbLocal | undefined;
  let gateway: Gateway | undefined;
  let issuer: LocalIssuer | undefined;
  const pools: FunctionPool[] = [];
  let watcher: CodeWatcher | undefined;
  let schedules: ScheduledRules | undefined;
  let xray: LocalXRayDaemon | undefined;
  try {
    const app = await (options.template === undefined
      ? synthesizeChatStack(chatContext(auth as LocalAuth, options.context))
      : readTemplateFile(options.template)
    ).catch(async (error: unknown) => {
      await started.then((database) => database.stop());
      throw error;
    });
    const api = readApiTemplate(app.template, {
      ...app,
      ...(options.template === undefined ? { tableName: () => LOCAL_TABLE_NAME } : {}),
    });
    db = await started;
    const client = new DynamoDBClient({ endpoint: db.endpoint, ...LOCAL_AWS });
    for (const table of api.tables) await createTemplateTable(client, table);
    client.destroy();

    const keys = auth?.mode === 'oidc' ? (auth.keys ?? (await generateIssuerKeys())) : undefined;
    const refuseForeignHost = loopbackHostCheck(options.gateway?.host);
    // The issuer's URL names the gateway's port, known once it listens.
    gateway = await startGateway({
      region: LOCAL_AWS.region,
      ...options.gateway,
      routes: api.routes,
      routeSelectionExpression: api.routeSelectionExpression,
      stage: api.stage,
      httpRoutes: [
        ...(options.gateway?.httpRoutes ?? []),
        ...(auth === undefined
          ? []
          : [
              createPageConfigRoute(() => (issuer ? { signIn: issuer.pageConfig } : {})),
              (async (req, res) => {
                if (!issuer || !isIssuerPath(req.url)) return false;
                // Its sign-in pages and token endpoint mint tokens: this machine's pages only.
                return refuseForeignHost(req, res) || issuer.route(req, res);
              }) satisfies HttpRoute,
            ]),
      ],
      ...(api.authorizer === undefined
        ? {}
        : {
            authorizer: {
              functionName: api.authorizer.functionName,
              identitySource: api.authorizer.identitySource,
            },
          }),
      port: options.port ?? 0,
    });
    if (keys && auth?.mode === 'oidc') {
      const { port } = gateway;
      issuer = createLocalIssuer({
        issuer: localIssuerUrl(port),
        pageUrls: [`http://localhost:${port}/`, `http://127.0.0.1:${port}/`],
        keys,
        ...(auth.accessTokenTtlSeconds === undefined
          ? {}
          : { accessTokenTtlSeconds: auth.accessTokenTtlSeconds }),
      });
    }
    const authorizerSettings: AuthorizerSettings | undefined = issuer
      ? {
          mode: 'jwt',
          issuer: issuer.issuer,
          audience: issuer.audience,
          jwksUri: issuer.jwksUri,
          // Read at every connection, so a rotated or removed key takes effect at once.
          jwksCacheSeconds: 0,
        }
      : (auth as AuthorizerSettings | undefined);
    const logger = options.gateway?.logger ?? consoleLogger;
    if (options.tracing ?? process.env.POWERTOOLS_TRACE_ENABLED === 'true') {
      xray = await LocalXRayDaemon.start();
    }
    const specs = localFunctionSpecs(api, {
      endpoints: {
        apiId: gateway.apiId,
        region: LOCAL_AWS.region,
        accountId: '123456789012',
        managementUrl: gateway.managementUrl,
        websocketUrl: gateway.url,
        lambdaUrl: gateway.lambdaUrl,
        dynamoDbEndpoint: db.endpoint,
        credentials: LOCAL_AWS.credentials,
        ...(xray === undefined ? {} : { xrayDaemonAddress: xray.address }),
      },
      maxContainers: options.maxContainers ?? DEFAULT_MAX_CONTAINERS,
      ...(options.environment === undefined ? {} : { common: options.environment }),
      // The local issuer's URL is known only now: the authorizer's variables are set here.
      ...(authorizerSettings === undefined || api.authorizer === undefined
        ? {}
        : { overrides: { [api.authorizer.functionName]: authEnvironment(authorizerSettings) } }),
    });
    for (const spec of specs) pools.push(new FunctionPool(spec, logger));
    gateway.register(Object.fromEntries(pools.map((pool) => [pool.spec.name, pool])));
    schedules = startScheduledRules(
      api.schedules,
      Object.fromEntries(pools.map((pool) => [pool.spec.name, pool])),
      {
        region: LOCAL_AWS.region,
        accountId: '123456789012',
        logger,
        ...(options.scheduleRateMs === undefined ? {} : { rateMs: options.scheduleRateMs }),
      },
    );

    const watching = options.watch
      ? codeDirectories(app, [...specs.map((spec) => spec.module), ...nestModuleFiles(options)])
      : [];
    if (watching.length > 0) {
      watcher = watchCode(watching, app.appRoot, (files) => {
        for (const pool of pools) pool.reload();
        logger.info(
          `reload: ${files.join(', ')} changed; new invocations start new containers with the new code (open connections stay open)`,
        );
      });
    }
    const tableName = api.tables[0]?.name ?? '';
    if (options.discoveryFile !== undefined) {
      await writeLocalDiscovery(options.discoveryFile, {
        tableName,
        callbackUrl: gateway.managementUrl,
        dynamoDbEndpoint: db.endpoint,
        region: LOCAL_AWS.region,
        credentials: LOCAL_AWS.credentials,
        pid: process.pid,
      });
    }
    const running = gateway;
    const database = db;
    const daemon = xray;
    return {
      gateway: running,
      dynamoDbEndpoint: database.endpoint,
      tableName,
      auth,
      issuer,
      api,
      watching,
      xray: daemon,
      reload: () => {
        for (const pool of pools) pool.reload();
      },
      async close() {
        watcher?.close();
        schedules?.stop();
        if (options.discoveryFile !== undefined) await removeLocalDiscovery(options.discoveryFile);
        await running.close();
        await daemon?.close();
        await database.stop();
      },
    };
  } catch (error) {
    watcher?.close();
    schedules?.stop();
    await gateway?.close();
    await Promise.all(pools.map((pool) => pool.close()));
    await xray?.close();
    await db?.stop();
    throw error;
  }
}

/**
 * The CDK context of the chat stack for a local auth mode: the `local` stage, and the stack's
 * auth mode (`oidc` is the stack's `jwt` mode accepting access tokens only; the issuer's URL,
 * known once the gateway listens, reaches the authorizer through `authEnvironment`).
 */
function chatContext(
  auth: LocalAuth,
  context: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    stageName: LOCAL_STAGE,
    authMode: auth.mode === 'anonymous' ? 'anonymous' : 'jwt',
    ...(auth.mode === 'jwt' ? { jwtIssuer: auth.issuer, jwtAudience: auth.audience } : {}),
    // The local issuer's access tokens say `token_use: access`, as Cognito's do.
    ...(auth.mode === 'oidc' ? { jwtTokenUse: 'access' } : {}),
    ...context,
  };
}

/** The file of the Nest module whose gateways run (`context.nestModule`), if any. */
function nestModuleFiles(options: LocalRuntimeOptions): string[] {
  const text = options.context?.nestModule;
  return typeof text === 'string' ? [resolve(parseNestModule(text).file)] : [];
}

/**
 * The top-level directories of the app holding the handlers' code (e.g. `lambdas/`); not
 * `node_modules`, where generated entries (a Nest module's) live.
 */
function codeDirectories(app: AppTemplate, modules: readonly string[]): string[] {
  const outside = (module: string) => !module.split(sep).includes('node_modules');
  const dirs = modules.filter(outside).map((module) => {
    const path = relative(app.appRoot, module);
    const [top] = path.split(sep);
    return path.startsWith('..') || top === undefined || top === path
      ? dirname(module)
      : resolve(app.appRoot, top);
  });
  return [...new Set(dirs)];
}
