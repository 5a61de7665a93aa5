import {
  type FunctionName,
  ROUTE_SELECTION_EXPRESSION,
  ROUTES,
  type RouteDefinition,
} from '../../definitions/api';
import type { RequestAuthorizerOptions } from './authorizer';
import type { HttpRoute } from './http-route';
import { newApiId } from './ids';
import type { RunnableFunction } from './lambda-runner';
import { LOCAL_AWS } from './local-aws';
import { consoleLogger, type GatewayLogger } from './logger';
import type { PostFaultInjector } from './post-faults';
import type { SigningCredentials } from './sigv4-check';

/**
 * Functions by name: in-process handlers (tests), or hosted functions that run in containers
 * of their own (`local/lambda/function-pool.ts`, what the local runtime uses).
 */
export type GatewayFunctions = Readonly<
  Partial<Record<FunctionName | (string & {}), RunnableFunction>>
>;

/** Options of `startGateway`; every one has API Gateway's value or a local default. */
export interface GatewayOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** The stage in the URL path, e.g. `/local`. Default `local`. */
  readonly stage?: string;
  /** The route table. Default `ROUTES` of `definitions/api.ts`. */
  readonly routes?: readonly RouteDefinition[];
  /** Default `ROUTE_SELECTION_EXPRESSION` (`$request.body.action`). */
  readonly routeSelectionExpression?: string;
  /** The handler functions the routes and the Lambda Invoke API run. More via `gateway.register`. */
  readonly functions?: GatewayFunctions;
  /** A Lambda REQUEST authorizer on `$connect`. */
  readonly authorizer?: RequestAuthorizerOptions;
  /** Idle timeout; traffic in either direction restarts it. Default 10 minutes. */
  readonly idleTimeoutMs?: number;
  /** Maximum connection duration. Default 2 hours. */
  readonly maxDurationMs?: number;
  /** Largest frame a client may send, and the size outgoing messages are split at. Default 32 KB. */
  readonly frameLimitBytes?: number;
  /** Largest message (all frames) and management API POST body. Default 128 KB. */
  readonly messageLimitBytes?: number;
  /** API Gateway's integration timeout. Default 29 s. */
  readonly integrationTimeoutMs?: number;
  /** The timeout of in-process handlers (hosted functions have their own). Default 30 s. */
  readonly functionTimeoutMs?: number;
  /** Delays of Lambda's two retries of a failed asynchronous invocation. Default 1 and 2 minutes. */
  readonly asyncRetryDelaysMs?: readonly number[];
  /**
   * Whether ping/pong frames from the client count as traffic for the idle timeout. Unverified
   * on AWS, so off by default: only messages keep a connection alive.
   */
  readonly controlFramesAreActivity?: boolean;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Default `123456789012`. */
  readonly accountId?: string;
  /** Default: 10 random lowercase letters and digits. */
  readonly apiId?: string;
  /**
   * The access keys `@connections` calls may be SigV4-signed with (scoped to `region` and
   * `execute-api`); other or unsigned calls get 403. Default: `LOCAL_AWS.credentials`, the
   * ones the local functions run with.
   */
  readonly managementCredentials?: readonly SigningCredentials[];
  /** Memory reported in in-process handlers' `context.memoryLimitInMB`. Default 128. */
  readonly memoryMb?: number;
  /** Serves this directory's files on GET (e.g. the web client). */
  readonly staticDir?: string;
  /** More HTTP endpoints of the local runtime (not API Gateway's), tried before `staticDir`. */
  readonly httpRoutes?: readonly HttpRoute[];
  /** Default: prints with a `[gateway]` prefix. */
  readonly logger?: GatewayLogger;
  /**
   * Fault injection: the share (0 to 1) of `$disconnect` events never delivered, as AWS
   * delivers them on a best-effort basis only; exercises clean-up after 410 and by TTL.
   * Default 0.
   */
  readonly dropDisconnects?: number;
  /**
   * Fault injection for tests: called on each `@connections` POST; a status it returns (429,
   * 500, 503, 410) is answered as API Gateway's error instead of sending. See `PostFaultPlan`.
   */
  readonly postFaults?: PostFaultInjector;
}

type UndefinedByDefault = 'authorizer' | 'staticDir' | 'functions' | 'postFaults' | 'httpRoutes';

export type GatewaySettings = Required<Omit<GatewayOptions, UndefinedByDefault>> &
  Pick<GatewayOptions, UndefinedByDefault>;

/**
 * The options with every default filled in.
 *
 * @example
 * withDefaults({ idleTimeoutMs: 200 }).frameLimitBytes; // 32768
 */
export function withDefaults(options: GatewayOptions): GatewaySettings {
  const { dropDisconnects } = options;
  if (dropDisconnects !== undefined && !(dropDisconnects >= 0 && dropDisconnects <= 1)) {
    throw new Error(`dropDisconnects must be a share between 0 and 1, got ${dropDisconnects}`);
  }
  return {
    port: 0,
    host: '127.0.0.1',
    stage: 'local',
    routes: ROUTES,
    routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    idleTimeoutMs: 10 * 60_000,
    maxDurationMs: 2 * 60 * 60_000,
    frameLimitBytes: 32 * 1024,
    messageLimitBytes: 128 * 1024,
    integrationTimeoutMs: 29_000,
    functionTimeoutMs: 30_000,
    asyncRetryDelaysMs: [60_000, 120_000],
    controlFramesAreActivity: false,
    dropDisconnects: 0,
    region: 'us-east-1',
    accountId: '123456789012',
    apiId: newApiId(),
    managementCredentials: [LOCAL_AWS.credentials],
    memoryMb: 128,
    logger: consoleLogger,
    ...withoutUndefined(options),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
