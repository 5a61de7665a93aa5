import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { removeLocalDiscovery, writeLocalDiscovery } from '../cli/local-discovery';
import { authorizerIdentitySource, CONNECT_AUTHORIZER } from '../definitions/api';
import { createChatTable, type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import {
  type Gateway,
  type GatewayOptions,
  type LambdaHandler,
  LOCAL_AWS,
  loadHandlers,
  startGateway,
} from './gateway';
import { type AuthorizerSettings, authEnvironment, type LocalAuth } from './local-auth';
import { generateIssuerKeys } from './oidc/issuer-keys';
import { localIssuerUrl } from './oidc/issuer-settings';
import { createLocalIssuer, type LocalIssuer } from './oidc/local-issuer';
import { createPageConfigRoute } from './page-config-route';

/** The table the local runtime creates in DynamoDB Local. */
export const LOCAL_TABLE_NAME = 'apigw-chat-local';

export interface LocalRuntimeOptions {
  /** Gateway port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Where DynamoDB Local keeps its data; omitted = in memory. */
  readonly dataDir?: string;
  /**
   * How `$connect` checks clients; the stack's authorizer function runs in every mode.
   * `oidc` also serves the local issuer under `/oidc` and tells the page about it in
   * `/config.json`.
   */
  readonly auth: LocalAuth;
  /** Any other gateway option (timeouts, limits, static files, logger). */
  readonly gateway?: Omit<GatewayOptions, 'port' | 'functions' | 'authorizer'>;
  /** More environment variables for the functions (e.g. `FANOUT_SHARD_SIZE`). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Let DynamoDB Local die at once on SIGINT/SIGTERM (default true; `npm start` shuts down in order). */
  readonly stopDatabaseOnSignals?: boolean;
  /**
   * Where to announce the runtime to emitters (`apigw-chat emit`): table, callback URL,
   * DynamoDB endpoint, region and credentials, written once it serves and removed by
   * `close()`. Default: nowhere (`npm start` passes `.apigw-chat/local.json`).
   */
  readonly discoveryFile?: string;
}

/** DynamoDB Local with the chat table, and the gateway running the real handlers. */
export interface LocalRuntime {
  readonly gateway: Gateway;
  readonly dynamoDbEndpoint: string;
  readonly tableName: string;
  readonly auth: LocalAuth;
  /** The local OIDC issuer (`auth.mode` `oidc`). */
  readonly issuer: LocalIssuer | undefined;
  /** Closes every connection (firing `$disconnect`), then stops DynamoDB Local. */
  close(): Promise<void>;
}

/**
 * Starts the whole chat on this machine: DynamoDB Local, the table from the stack's own
 * definition, and the API Gateway emulator running the handlers `cdk deploy` ships.
 *
 * @example
 * const runtime = await startLocalRuntime({ port: 3001, dataDir: '.data/dynamodb', auth: { mode: 'oidc' } });
 * const token = await runtime.issuer?.signToken({ user: 'alice' });
 * console.log(runtime.gateway.url); // ws://127.0.0.1:3001/local
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const db: DynamoDbLocal = await startDynamoDbLocal({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    stopOnSignals: options.stopDatabaseOnSignals ?? true,
  });
  let gateway: Gateway | undefined;
  let issuer: LocalIssuer | undefined;
  try {
    const client = new DynamoDBClient({ endpoint: db.endpoint, ...LOCAL_AWS });
    await createChatTable({ client, tableName: LOCAL_TABLE_NAME });
    client.destroy();
    // The authorizer module is loaded with the others, once the gateway's URLs are known.
    let authorize: LambdaHandler | undefined;
    const { auth } = options;
    const keys = auth.mode === 'oidc' ? (auth.keys ?? (await generateIssuerKeys())) : undefined;
    // The issuer's URL names the gateway's port, known once it listens.
    gateway = await startGateway({
      region: LOCAL_AWS.region,
      ...options.gateway,
      httpRoutes: [
        ...(options.gateway?.httpRoutes ?? []),
        createPageConfigRoute(() => (issuer ? { signIn: issuer.pageConfig } : {})),
        async (req, res) => (issuer ? issuer.route(req, res) : false),
      ],
      authorizer: {
        functionName: CONNECT_AUTHORIZER.function,
        identitySource: authorizerIdentitySource(auth.mode),
        handler: (event, context, callback) => {
          if (!authorize) throw new Error('The authorizer is not loaded yet');
          return authorize(event, context, callback);
        },
      },
      port: options.port ?? 0,
    });
    if (keys && auth.mode === 'oidc') {
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
    const settings: AuthorizerSettings = issuer
      ? {
          mode: 'jwt',
          issuer: issuer.issuer,
          audience: issuer.audience,
          jwksUri: issuer.jwksUri,
        }
      : (auth as AuthorizerSettings);
    const handlers = await loadHandlers({
      tableName: LOCAL_TABLE_NAME,
      dynamoDbEndpoint: db.endpoint,
      managementUrl: gateway.managementUrl,
      lambdaUrl: gateway.lambdaUrl,
      extraEnvironment: { ...authEnvironment(settings), ...options.environment },
    });
    authorize = handlers[CONNECT_AUTHORIZER.function];
    gateway.register(handlers);
    if (options.discoveryFile !== undefined) {
      await writeLocalDiscovery(options.discoveryFile, {
        tableName: LOCAL_TABLE_NAME,
        callbackUrl: gateway.managementUrl,
        dynamoDbEndpoint: db.endpoint,
        region: LOCAL_AWS.region,
        credentials: LOCAL_AWS.credentials,
        pid: process.pid,
      });
    }
  } catch (error) {
    await gateway?.close();
    await db.stop();
    throw error;
  }
  const started = gateway;
  return {
    gateway: started,
    dynamoDbEndpoint: db.endpoint,
    tableName: LOCAL_TABLE_NAME,
    auth: options.auth,
    issuer,
    async close() {
      if (options.discoveryFile !== undefined) await removeLocalDiscovery(options.discoveryFile);
      await started.close();
      await db.stop();
    },
  };
}
