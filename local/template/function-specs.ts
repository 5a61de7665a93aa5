import { resolve } from 'node:path';
import type { FunctionSpec } from '../lambda/function-spec';
import { type IntrinsicValues, resolveString } from './intrinsics';
import type { TemplateApi, TemplateFunction } from './read-api-template';

/** Where the emulated services answer, and the ids the template's references resolve to. */
export interface LocalEndpoints {
  readonly apiId: string;
  readonly region: string;
  readonly accountId: string;
  /** The gateway's `@connections` endpoint, e.g. `http://127.0.0.1:3001/local`. */
  readonly managementUrl: string;
  /** The gateway's WebSocket URL, e.g. `ws://127.0.0.1:3001/local`. */
  readonly websocketUrl: string;
  /** The emulated Lambda Invoke API. */
  readonly lambdaUrl: string;
  readonly dynamoDbEndpoint: string;
  /** Static credentials the functions' SDK clients sign with. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * Where a local X-Ray daemon takes segments (`host:port`, UDP). When given, functions with
   * active tracing run traced, as on Lambda; without it, none is.
   */
  readonly xrayDaemonAddress?: string;
}

export interface FunctionSpecOptions {
  readonly endpoints: LocalEndpoints;
  /** Local-only variables by function name, over the template's (e.g. a local signing secret). */
  readonly overrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Local-only variables of every function (e.g. `FANOUT_SHARD_SIZE` in a test). */
  readonly common?: Readonly<Record<string, string>>;
  /** Containers per function when the template reserves no concurrency. */
  readonly maxContainers: number;
  /** The runtime's own environment: the Powertools switches and `PATH` are taken from it. */
  readonly hostEnvironment?: NodeJS.ProcessEnv;
}

/**
 * Powertools switches for local runs, unless the shell sets them: no X-Ray (there is no
 * daemon) and no EMF metric lines among the runtime's output. Run
 * `POWERTOOLS_METRICS_DISABLED=false npm start` to see the metrics the handlers publish.
 */
export const LOCAL_POWERTOOLS_ENVIRONMENT = {
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
} as const;
const RUNTIME_NODE_MODULES = resolve(__dirname, '..', '..', 'node_modules');
/** Variables of the runtime's shell that reach the functions (log switches, `PATH`). */
const PASSED_THROUGH = [
  'PATH',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_DEV',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_TRACE_ENABLED',
];

/**
 * What each Node.js function of the template runs with locally: its handler, its timeout and
 * memory size, and exactly its own environment variables (template references resolved, the
 * stage's callback URL mapped to the gateway) plus what Lambda itself sets (`AWS_REGION`,
 * `AWS_LAMBDA_FUNCTION_NAME`, credentials, `TZ`, …) and the SDK endpoint variables that point
 * its unchanged clients at DynamoDB Local and the emulator.
 *
 * @example
 * const specs = localFunctionSpecs(api, { endpoints, maxContainers: 8 });
 * specs.find((spec) => spec.name === 'MessageFunction682CF02C')?.environment.TABLE_NAME; // 'ApigwChat-TableCD117FA1'
 */
export function localFunctionSpecs(api: TemplateApi, options: FunctionSpecOptions): FunctionSpec[] {
  const { endpoints } = options;
  const host = options.hostEnvironment ?? process.env;
  const values = intrinsicValues(api, endpoints);
  const awsPrefix = `${endpoints.apiId}.execute-api.${endpoints.region}.amazonaws.com/${api.stage}`;
  const local = (value: string): string =>
    value
      .replace(`https://${awsPrefix}`, endpoints.managementUrl)
      .replace(`wss://${awsPrefix}`, endpoints.websocketUrl);
  const passed = Object.fromEntries(
    PASSED_THROUGH.flatMap((name) => (host[name] === undefined ? [] : [[name, host[name]]])),
  );
  return api.functions.flatMap((fn): FunctionSpec[] => {
    if ('unsupported' in fn.code) return [];
    const declared = Object.fromEntries(
      Object.entries(fn.environment).map(([name, value]) => {
        try {
          return [name, local(resolveString(value, values))];
        } catch (error) {
          throw new Error(`Function ${fn.name}, variable ${name}: ${(error as Error).message}`);
        }
      }),
    );
    return [
      {
        name: fn.name,
        module: fn.code.module,
        exportName: fn.code.exportName,
        timeoutMs: fn.timeoutMs,
        memoryMb: fn.memoryMb,
        maxContainers: fn.reservedConcurrency ?? options.maxContainers,
        environment: withoutUnusedXRayContext({
          ...lambdaEnvironment(fn, endpoints),
          ...LOCAL_POWERTOOLS_ENVIRONMENT,
          ...passed,
          ...xrayEnvironment(fn, endpoints),
          ...declared,
          ...options.common,
          ...options.overrides?.[fn.name],
        }),
      },
    ];
  });
}

/**
 * With tracing off, the X-Ray SDK in manual mode (`AWS_XRAY_MANUAL_MODE`): in its default
 * automatic mode it tracks the context of every promise (cls-hooked's async hook), which
 * nothing reads when Powertools' tracer is disabled, yet costs a tenth of the CPU of a post.
 */
function withoutUnusedXRayContext(environment: Record<string, string>): Record<string, string> {
  if (environment.POWERTOOLS_TRACE_ENABLED !== 'false' || 'AWS_XRAY_MANUAL_MODE' in environment)
    return environment;
  return { ...environment, AWS_XRAY_MANUAL_MODE: 'true' };
}

/** Lambda's X-Ray variables for a function with active tracing, when there is a daemon. */
function xrayEnvironment(fn: TemplateFunction, endpoints: LocalEndpoints): Record<string, string> {
  const address = endpoints.xrayDaemonAddress;
  return fn.tracing === 'Active' && address !== undefined ? lambdaXRayEnvironment(address) : {};
}

/**
 * What Lambda sets in a function with active tracing, pointed at a local daemon: the X-Ray
 * SDK's Lambda mode (`LAMBDA_TASK_ROOT`: a facade segment per invocation, from the
 * `_X_AMZN_TRACE_ID` of each invocation), the daemon's address, and Powertools' tracer on.
 *
 * @example
 * lambdaXRayEnvironment('127.0.0.1:2000').AWS_XRAY_DAEMON_ADDRESS; // '127.0.0.1:2000'
 */
export function lambdaXRayEnvironment(daemonAddress: string): Record<string, string> {
  const [host = '', port = ''] = daemonAddress.split(':');
  return {
    LAMBDA_TASK_ROOT: '/var/task',
    AWS_XRAY_DAEMON_ADDRESS: daemonAddress,
    _AWS_XRAY_DAEMON_ADDRESS: host,
    _AWS_XRAY_DAEMON_PORT: port,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    POWERTOOLS_TRACE_ENABLED: 'true',
  };
}

/** The reserved variables Lambda sets in every Node.js function, and the local SDK endpoints. */
function lambdaEnvironment(
  fn: TemplateFunction,
  endpoints: LocalEndpoints,
): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: endpoints.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: endpoints.credentials.secretAccessKey,
    TZ: ':UTC',
    // Lambda's runtime provides the AWS SDK (bundles leave it out): here, this project's.
    NODE_PATH: RUNTIME_NODE_MODULES,
    LANG: 'en_US.UTF-8',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoDbEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambdaUrl,
    AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: endpoints.managementUrl,
  };
}

const PSEUDO_PARAMETERS = (
  api: TemplateApi,
  endpoints: LocalEndpoints,
): Record<string, string> => ({
  'AWS::Region': endpoints.region,
  'AWS::AccountId': endpoints.accountId,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': api.stackName,
  'AWS::StackId': `arn:aws:cloudformation:${endpoints.region}:${endpoints.accountId}:stack/${api.stackName}/local`,
});

function intrinsicValues(api: TemplateApi, endpoints: LocalEndpoints): IntrinsicValues {
  const { region, accountId, apiId } = endpoints;
  const pseudo = PSEUDO_PARAMETERS(api, endpoints);
  const functionNamed = (id: string) => api.functions.find((fn) => fn.logicalId === id)?.name;
  const tableNamed = (id: string) => api.tables.find((table) => table.logicalId === id)?.name;
  return {
    ref(id) {
      if (id in pseudo) return pseudo[id];
      const resource = api.template.Resources[id];
      if (resource === undefined) return undefined;
      if (id === api.apiLogicalId) return apiId;
      if (resource.Type === 'AWS::ApiGatewayV2::Stage') return api.stage;
      return functionNamed(id) ?? tableNamed(id) ?? id;
    },
    getAtt(id, attribute) {
      const resource = api.template.Resources[id];
      if (resource === undefined) return undefined;
      const fn = functionNamed(id);
      if (fn !== undefined && attribute === 'Arn')
        return `arn:aws:lambda:${region}:${accountId}:function:${fn}`;
      const table = tableNamed(id);
      if (table !== undefined && attribute === 'Arn')
        return `arn:aws:dynamodb:${region}:${accountId}:table/${table}`;
      if (table !== undefined && attribute === 'StreamArn')
        return `arn:aws:dynamodb:${region}:${accountId}:table/${table}/stream/local`;
      if (id === api.apiLogicalId && attribute === 'ApiEndpoint')
        return `wss://${apiId}.execute-api.${region}.amazonaws.com`;
      if (id === api.apiLogicalId && attribute === 'ApiId') return apiId;
      return `arn:aws:local:${region}:${accountId}:${id}/${attribute}`;
    },
  };
}
