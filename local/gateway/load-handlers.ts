import { resolve } from 'node:path';
import { ENV, type FunctionName, LAMBDA_FUNCTIONS } from '../../definitions/api';
import type { LambdaHandler } from './lambda-handler';

/** The repository root, where `LAMBDA_FUNCTIONS` entries are relative to. */
const REPO_ROOT = resolve(__dirname, '..', '..');
/**
 * The region and static credentials the functions run with locally. DynamoDB Local keeps one
 * database per access key and region, so whoever creates the table must use these too.
 *
 * @example
 * new DynamoDBClient({ endpoint, ...LOCAL_AWS });
 */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/**
 * Powertools switches for local runs, set unless the shell already sets them: no X-Ray (there
 * is no daemon) and no EMF metric lines among the gateway's log output. Run
 * `POWERTOOLS_METRICS_DISABLED=false npm start` to see the metrics the handlers publish.
 */
export const LOCAL_POWERTOOLS_ENVIRONMENT = {
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
} as const;

export interface HandlerEnvironmentOptions {
  /** The chat table's name in DynamoDB Local. */
  readonly tableName: string;
  /** DynamoDB Local's endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly dynamoDbEndpoint: string;
  /** The gateway's `managementUrl`: the functions' callback URL. */
  readonly managementUrl: string;
  /** The gateway's `lambdaUrl`: where `@aws-sdk/client-lambda` sends `Invoke`. */
  readonly lambdaUrl: string;
  /** Default `LOCAL_AWS.region`. */
  readonly region?: string;
  /** More variables (the authorizer's `AUTH_ENV`, see `local/local-auth.ts`). */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
}

export interface LoadHandlersOptions<Name extends string> extends HandlerEnvironmentOptions {
  /** Which modules to load: `entry` relative to `rootDir`. Default `LAMBDA_FUNCTIONS`. */
  readonly functions?: Readonly<Record<Name, { readonly entry: string }>>;
  /** Default: the repository root. */
  readonly rootDir?: string;
}

/**
 * The environment variables the functions read locally: the `ENV` names, region, static
 * credentials, and the SDK's service-specific endpoints (`AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL_LAMBDA`, `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI`), so the handlers'
 * unchanged AWS SDK clients talk to DynamoDB Local and to the emulator.
 *
 * @example
 * handlerEnvironment({ tableName: 'chat', dynamoDbEndpoint, managementUrl: gateway.managementUrl, lambdaUrl: gateway.lambdaUrl });
 * // { TABLE_NAME: 'chat', CALLBACK_URL: 'http://127.0.0.1:3001/local', DELIVER_FUNCTION_NAME: 'deliver', ... }
 */
export function handlerEnvironment(options: HandlerEnvironmentOptions): Record<string, string> {
  const region = options.region ?? LOCAL_AWS.region;
  const deliver: FunctionName = 'deliver';
  return {
    [ENV.tableName]: options.tableName,
    [ENV.callbackUrl]: options.managementUrl,
    [ENV.deliverFunctionName]: deliver,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamoDbEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: options.lambdaUrl,
    AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: options.managementUrl,
    ...options.extraEnvironment,
  };
}

/**
 * Sets `process.env` for the functions (see `handlerEnvironment` and
 * `LOCAL_POWERTOOLS_ENVIRONMENT`), then loads each function module and returns its exported
 * `handler`. Modules are loaded after the environment is set, so clients created at module
 * load see it.
 *
 * @example
 * const gateway = await startGateway();
 * gateway.register(await loadHandlers({ tableName, dynamoDbEndpoint: db.endpoint, managementUrl: gateway.managementUrl, lambdaUrl: gateway.lambdaUrl }));
 */
export async function loadHandlers<Name extends string = FunctionName>(
  options: LoadHandlersOptions<Name>,
): Promise<Record<Name, LambdaHandler>> {
  delete process.env.AWS_SESSION_TOKEN;
  for (const [name, value] of Object.entries(LOCAL_POWERTOOLS_ENVIRONMENT)) {
    process.env[name] ??= value;
  }
  Object.assign(process.env, handlerEnvironment(options));
  const functions =
    options.functions ?? (LAMBDA_FUNCTIONS as unknown as Record<Name, { entry: string }>);
  const rootDir = options.rootDir ?? REPO_ROOT;
  const handlers = {} as Record<Name, LambdaHandler>;
  for (const [name, { entry }] of Object.entries(functions) as [Name, { entry: string }][]) {
    const path = resolve(rootDir, entry);
    // `require` rather than `import()`: it loads TypeScript under both tsx and Jest.
    const loaded: unknown = require(path);
    const handler = (loaded as { handler?: unknown }).handler;
    if (typeof handler !== 'function')
      throw new Error(`${path} does not export a function named handler`);
    handlers[name] = handler as LambdaHandler;
  }
  return handlers;
}
