import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ENTRY_METADATA_KEY, type RouteDefinition } from '../../definitions/api';
import {
  type CloudTemplate,
  RESOURCE_PROPERTIES,
  type ResourceProperties,
  type ResourceType,
  type TemplateResource,
  templateSchema,
} from './template-schema';

/** Lambda's defaults when a template leaves them out. */
const DEFAULT_TIMEOUT_S = 3;
const DEFAULT_MEMORY_MB = 128;
const HANDLER_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts'];

/** A Lambda function of the template, with the code the local runtime runs for it. */
export interface TemplateFunction {
  readonly logicalId: string;
  /** `FunctionName`, else the logical id. */
  readonly name: string;
  /** The handler module and export, or why this function cannot run locally. */
  readonly code:
    | { readonly module: string; readonly exportName: string }
    | { readonly unsupported: string };
  /** `Environment.Variables`, unresolved (see `localFunctionSpecs`). */
  readonly environment: Readonly<Record<string, unknown>>;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly reservedConcurrency: number | undefined;
  /** e.g. `nodejs22.x` */
  readonly runtime: string;
  /** `TracingConfig.Mode`: `Active` samples and records its invocations in X-Ray. */
  readonly tracing: 'Active' | 'PassThrough';
}

/** A DynamoDB table of the template. */
export type TemplateTable = ResourceProperties<'AWS::DynamoDB::Table'> & {
  readonly logicalId: string;
  /** `TableName`, else `ReadApiTemplateOptions.tableName`'s, else `<stack name>-<logical id>`. */
  readonly name: string;
};

/** An EventBridge rule (`rate(…)`, enabled) that invokes a function of the template. */
export interface TemplateSchedule {
  readonly ruleLogicalId: string;
  /** The invoked function, by `TemplateFunction.name`. */
  readonly functionName: string;
  readonly rateMs: number;
}

/** The one WebSocket API of a template, with everything it runs. */
export interface TemplateApi {
  readonly stackName: string;
  readonly apiLogicalId: string;
  readonly stage: string;
  readonly routeSelectionExpression: string;
  /** Routes whose Lambda integrations name functions by `TemplateFunction.name`. */
  readonly routes: readonly RouteDefinition[];
  readonly authorizer:
    | { readonly functionName: string; readonly identitySource: string[] }
    | undefined;
  readonly functions: readonly TemplateFunction[];
  readonly tables: readonly TemplateTable[];
  /** EventBridge rules that invoke a function of the template at a fixed rate. */
  readonly schedules: readonly TemplateSchedule[];
  /** The template, for resolving environment variables. */
  readonly template: CloudTemplate;
}

export interface ReadApiTemplateOptions {
  readonly stackName: string;
  /** Where `aws:asset:path` metadata is relative to: the cloud assembly (e.g. `cdk.out`). */
  readonly assemblyDir: string;
  /** Where `apigw-chat:entry` metadata is relative to: the CDK app's root (its `cdk.json`). */
  readonly appRoot: string;
  /** The local name of a table without `TableName`. Default `<stack name>-<logical id>`. */
  readonly tableName?: (logicalId: string) => string;
}

/** A template the local runtime cannot run. */
export class UnsupportedTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedTemplateError';
  }
}

/**
 * Reads the WebSocket API of a synthesized CloudFormation template: its routes and route
 * selection expression, their integrations (Lambda proxy, or MOCK with its response template),
 * two-way routes (a `$default` route response), the `$connect` REQUEST authorizer and its
 * identity sources, the stage, every Lambda function (handler, environment, timeout, memory)
 * and every DynamoDB table (keys, indexes, TTL).
 *
 * A function's code is its TypeScript entry when the template records one
 * (`ENTRY_METADATA_KEY` metadata, which `lib/chat-function.ts` records), else its staged asset
 * (`aws:asset:path` metadata, as `cdk synth` writes it) and `Handler`.
 *
 * @throws UnsupportedTemplateError when there is not exactly one WebSocket API, or a route
 *   needs something not emulated (an HTTP integration, a function that cannot run locally).
 * @example
 * const api = readApiTemplate(JSON.parse(await readFile('cdk.out/Chat.template.json', 'utf8')), { stackName: 'Chat', assemblyDir: 'cdk.out', appRoot: '.' });
 * api.routes.map((route) => route.routeKey); // ['$connect', '$disconnect', '$default', 'ping']
 */
export function readApiTemplate(input: unknown, options: ReadApiTemplateOptions): TemplateApi {
  const template = templateSchema.parse(input);
  const resources = Object.entries(template.Resources);
  const ofType = <T extends ResourceType>(type: T) =>
    resources
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId, resource]) => ({
        logicalId,
        resource,
        properties: parseProperties(type, logicalId, resource),
      }));

  const apis = ofType('AWS::ApiGatewayV2::Api').filter(
    ({ properties }) => properties.ProtocolType === 'WEBSOCKET',
  );
  const [api] = apis;
  if (apis.length !== 1 || api === undefined) {
    throw new UnsupportedTemplateError(
      `Expected one WebSocket API (AWS::ApiGatewayV2::Api, ProtocolType WEBSOCKET), found ${apis.length}`,
    );
  }
  const ofApi = <T extends { properties: { ApiId?: unknown } }>(items: T[]): T[] =>
    items.filter(({ properties }) => refOf(properties.ApiId) === api.logicalId);

  const functions = ofType('AWS::Lambda::Function').map(({ logicalId, resource, properties }) =>
    readFunction(logicalId, resource, properties, options),
  );
  const functionNameOf = (uri: unknown, what: string): string => {
    const logicalId = functionArnOf(uri);
    const fn = functions.find((candidate) => candidate.logicalId === logicalId);
    if (fn === undefined) {
      throw new UnsupportedTemplateError(`${what}: not a Lambda function of this template`);
    }
    if ('unsupported' in fn.code) {
      throw new UnsupportedTemplateError(`${what}: function ${fn.name} ${fn.code.unsupported}`);
    }
    return fn.name;
  };

  const stage = ofApi(ofType('AWS::ApiGatewayV2::Stage'))[0]?.properties.StageName;
  if (stage === undefined) throw new UnsupportedTemplateError('The WebSocket API has no stage');

  const integrations = new Map(
    ofType('AWS::ApiGatewayV2::Integration').map((item) => [item.logicalId, item.properties]),
  );
  const integrationResponses = ofType('AWS::ApiGatewayV2::IntegrationResponse');
  const twoWay = new Set(
    ofType('AWS::ApiGatewayV2::RouteResponse')
      .filter(({ properties }) => properties.RouteResponseKey === '$default')
      .map(({ properties }) => refOf(properties.RouteId)),
  );
  const authorizers = new Map(
    ofType('AWS::ApiGatewayV2::Authorizer').map((item) => [item.logicalId, item.properties]),
  );

  let authorizer: TemplateApi['authorizer'];
  const routes = ofApi(ofType('AWS::ApiGatewayV2::Route')).map(
    ({ logicalId, properties }): RouteDefinition => {
      const what = `Route ${properties.RouteKey}`;
      const integrationId = integrationIdOf(properties.Target);
      const integration = integrationId === undefined ? undefined : integrations.get(integrationId);
      if (integration === undefined) throw new UnsupportedTemplateError(`${what}: no integration`);
      const authorizerId = refOf(properties.AuthorizerId);
      const routeAuthorizer =
        authorizerId === undefined ? undefined : authorizers.get(authorizerId);
      if (routeAuthorizer !== undefined) {
        if (routeAuthorizer.AuthorizerType !== 'REQUEST') {
          throw new UnsupportedTemplateError(
            `${what}: ${routeAuthorizer.AuthorizerType} authorizers are not emulated`,
          );
        }
        authorizer = {
          functionName: functionNameOf(routeAuthorizer.AuthorizerUri, `${what} authorizer`),
          identitySource: routeAuthorizer.IdentitySource ?? [],
        };
      }
      const returnResponse = twoWay.has(logicalId);
      const base = {
        routeKey: properties.RouteKey,
        returnResponse,
        ...(routeAuthorizer === undefined ? {} : { authorized: true }),
      };
      if (integration.IntegrationType === 'AWS_PROXY') {
        const functionName = functionNameOf(integration.IntegrationUri, what);
        return { ...base, integration: { type: 'lambda', function: functionName as never } };
      }
      if (integration.IntegrationType === 'MOCK') {
        const response = integrationResponses.find(
          (item) =>
            refOf(item.properties.IntegrationId) === integrationId &&
            item.properties.IntegrationResponseKey === '$default',
        );
        const templates = Object.values(response?.properties.ResponseTemplates ?? {});
        return {
          ...base,
          returnResponse: returnResponse && templates[0] !== undefined,
          integration: { type: 'mock', responseBody: templates[0] ?? '' },
        };
      }
      throw new UnsupportedTemplateError(
        `${what}: ${integration.IntegrationType} integrations are not emulated (AWS_PROXY to Lambda and MOCK are)`,
      );
    },
  );

  const tables = ofType('AWS::DynamoDB::Table').map(
    ({ logicalId, properties }): TemplateTable => ({
      ...properties,
      logicalId,
      name:
        properties.TableName ??
        options.tableName?.(logicalId) ??
        `${options.stackName}-${logicalId}`,
    }),
  );

  const schedules = ofType('AWS::Events::Rule').flatMap(
    ({ logicalId, properties }): TemplateSchedule[] => {
      const rateMs = rateOf(properties.ScheduleExpression);
      if (rateMs === undefined || properties.State === 'DISABLED') return [];
      return (properties.Targets ?? []).flatMap((target) => {
        const fn = functions.find((each) => each.logicalId === functionArnOf(target.Arn));
        return fn === undefined || 'unsupported' in fn.code
          ? []
          : [{ ruleLogicalId: logicalId, functionName: fn.name, rateMs }];
      });
    },
  );

  return {
    stackName: options.stackName,
    apiLogicalId: api.logicalId,
    stage,
    routeSelectionExpression: api.properties.RouteSelectionExpression ?? '$request.body.action',
    routes,
    authorizer,
    functions,
    tables,
    schedules,
    template,
  };
}

const RATE_UNITS_MS: Readonly<Record<string, number>> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** `rate(5 minutes)` → 300,000; a `cron(…)` expression (not emulated) or none → undefined. */
function rateOf(expression: string | undefined): number | undefined {
  const match = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression ?? '');
  if (!match) return undefined;
  return Number(match[1]) * (RATE_UNITS_MS[match[2] as string] as number);
}

/**
 * The directory of a CDK app: the nearest one holding `cdk.json`, from `start` upwards;
 * `fallback` when there is none.
 *
 * @example
 * findAppRoot('/repo/cdk.out', '/repo'); // '/repo'
 */
export function findAppRoot(start: string, fallback: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'cdk.json'))) return dir;
    if (dirname(dir) === dir) return fallback;
  }
}

function parseProperties<T extends ResourceType>(
  type: T,
  logicalId: string,
  resource: TemplateResource,
): ResourceProperties<T> {
  const parsed = RESOURCE_PROPERTIES[type].safeParse(resource.Properties ?? {});
  if (!parsed.success) {
    throw new UnsupportedTemplateError(`${type} ${logicalId}: ${parsed.error.message}`);
  }
  return parsed.data as ResourceProperties<T>;
}

function readFunction(
  logicalId: string,
  resource: TemplateResource,
  properties: ResourceProperties<'AWS::Lambda::Function'>,
  options: ReadApiTemplateOptions,
): TemplateFunction {
  return {
    logicalId,
    name: properties.FunctionName ?? logicalId,
    code: codeOf(resource, properties, options),
    environment: properties.Environment?.Variables ?? {},
    timeoutMs: (properties.Timeout ?? DEFAULT_TIMEOUT_S) * 1000,
    memoryMb: properties.MemorySize ?? DEFAULT_MEMORY_MB,
    reservedConcurrency: properties.ReservedConcurrentExecutions,
    runtime: properties.Runtime ?? 'unknown',
    tracing: properties.TracingConfig?.Mode ?? 'PassThrough',
  };
}

function codeOf(
  resource: TemplateResource,
  properties: ResourceProperties<'AWS::Lambda::Function'>,
  options: ReadApiTemplateOptions,
): TemplateFunction['code'] {
  const { Handler: handler, Runtime: runtime } = properties;
  if (!runtime?.startsWith('nodejs')) {
    return {
      unsupported: `runs ${runtime ?? 'a container image'}; only Node.js functions run locally`,
    };
  }
  if (handler === undefined) return { unsupported: 'has no Handler' };
  const dot = handler.lastIndexOf('.');
  const exportName = handler.slice(dot + 1);
  const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
  if (typeof entry === 'string') return { module: resolve(options.appRoot, entry), exportName };
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string' || resource.Metadata?.['aws:asset:property'] !== 'Code') {
    return {
      unsupported:
        properties.Code?.ZipFile === undefined
          ? 'has no local code: synthesize with `cdk synth` so its asset is staged (aws:asset:path metadata)'
          : 'has inline code (ZipFile), which is not emulated',
    };
  }
  const base = resolve(options.assemblyDir, assetPath, handler.slice(0, dot));
  const module = HANDLER_EXTENSIONS.map((extension) => `${base}${extension}`).find(existsSync);
  return module === undefined
    ? { unsupported: `has no ${base}.js (Handler ${handler})` }
    : { module, exportName };
}

/** `{ Ref: 'X' }` → `X`; anything else → undefined. */
function refOf(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && 'Ref' in value) {
    return String((value as { Ref: unknown }).Ref);
  }
  return undefined;
}

/** `integrations/<id>`, as a string or `Fn::Join ['', ['integrations/', { Ref }]]`. */
function integrationIdOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target.replace(/^integrations\//, '');
  const join = (target as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  return join?.[1].map(refOf).find((id) => id !== undefined);
}

/** The logical id of the function in a Lambda integration or authorizer URI. */
function functionArnOf(uri: unknown): string | undefined {
  const found = JSON.stringify(uri ?? null).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/);
  return found?.[1];
}
