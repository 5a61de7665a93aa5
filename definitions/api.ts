/**
 * The one definition of the WebSocket API shared by the CDK stack (`lib/chat-stack.ts`)
 * and the local emulator (`local/`): which routes exist, which Lambda or MOCK answers each,
 * which are two-way, and which environment variables the functions read.
 * Plain data, no CDK imports, so the Lambda bundles and the emulator can load it cheaply.
 *
 * @example
 * const route = ROUTES.find((r) => r.routeKey === '$default');
 */

/** Where API Gateway finds the route key in a message body. */
export const ROUTE_SELECTION_EXPRESSION = '$request.body.action';

/** The Lambda functions of the chat, by logical name. `entry` is relative to the repo root. */
export const LAMBDA_FUNCTIONS = {
  connect: {
    entry: 'lambdas/handlers/connect.ts',
    description: '$connect: middleware, connection record, connection hook',
  },
  disconnect: {
    entry: 'lambdas/handlers/disconnect.ts',
    description: '$disconnect: removes the connection and its memberships',
  },
  message: {
    entry: 'lambdas/handlers/message.ts',
    description: '$default: every client event, acks in the route response',
  },
  worker: {
    entry: 'lambdas/handlers/worker.ts',
    description:
      'Asynchronous worker: frames for a connection whose $connect had not returned yet, shards of large broadcasts, clean-up of connections found gone',
  },
  authorize: {
    entry: 'lambdas/handlers/authorize.ts',
    description: '$connect REQUEST authorizer: verifies the token, returns the user',
  },
  heartbeat: {
    entry: 'lambdas/handlers/heartbeat.ts',
    description:
      'Scheduled every minute: pings the Socket.IO connections of the heartbeat slot due',
  },
} as const;

export type FunctionName = keyof typeof LAMBDA_FUNCTIONS;

/**
 * Metadata key of each function's resource in the template: its TypeScript entry, relative to
 * the CDK app's root (the directory of `cdk.json`). The local runtime runs that file.
 */
export const ENTRY_METADATA_KEY = 'apigw-chat:entry';

export type RouteIntegration =
  | { readonly type: 'lambda'; readonly function: FunctionName }
  | { readonly type: 'mock'; readonly responseBody: string };

export interface RouteDefinition {
  readonly routeKey: string;
  /** `CONNECT_AUTHORIZER` runs before the integration (only on `$connect`). */
  readonly authorized?: boolean;
  readonly integration: RouteIntegration;
  /** Two-way route: the integration's `body` is sent back to the caller as one frame. */
  readonly returnResponse: boolean;
}

/**
 * The Lambda REQUEST authorizer on `$connect` (API Gateway runs authorizers on `$connect`
 * only). Its context, `{ userId, name }`, reaches every later event of the connection.
 */
export const CONNECT_AUTHORIZER = {
  function: 'authorize',
  /**
   * The subprotocol the server speaks, echoed by `$connect` when offered. Clients offer their
   * token as a second subprotocol, `token.<jwt>` (`new WebSocket(url, ['apigw-chat',
   * 'token.' + jwt])`): browsers cannot set other headers on a WebSocket, and a token in the
   * URL would land in access logs and history. `Sec-WebSocket-Protocol` is the identity
   * source, checked by API Gateway before invoking the authorizer: a connection without it
   * is refused with 401 at no Lambda cost.
   */
  subprotocol: 'apigw-chat',
  tokenSubprotocolPrefix: 'token.',
  /** The header that carries the token subprotocol: the authorizer's identity source. */
  tokenHeader: 'Sec-WebSocket-Protocol',
} as const satisfies { function: FunctionName } & Record<string, string>;

/**
 * The authorizer's identity sources in an auth mode: the `Sec-WebSocket-Protocol` header
 * (where the token subprotocol travels) when tokens are required; none in anonymous mode, so
 * API Gateway invokes the authorizer (which hands out guest identities) for every connection.
 * Shared by the stack and the emulator.
 *
 * @example
 * authorizerIdentitySource('jwt'); // ['route.request.header.Sec-WebSocket-Protocol']
 */
export function authorizerIdentitySource(mode: string): string[] {
  return mode === 'anonymous' ? [] : [`route.request.header.${CONNECT_AUTHORIZER.tokenHeader}`];
}

/** Every route of the API. */
export const ROUTES: readonly RouteDefinition[] = [
  {
    routeKey: '$connect',
    authorized: true,
    integration: { type: 'lambda', function: 'connect' },
    returnResponse: false,
  },
  {
    routeKey: '$disconnect',
    integration: { type: 'lambda', function: 'disconnect' },
    returnResponse: false,
  },
  {
    routeKey: '$default',
    integration: { type: 'lambda', function: 'message' },
    returnResponse: true,
  },
  {
    routeKey: 'ping',
    integration: { type: 'mock', responseBody: '{"event":"pong"}' },
    returnResponse: true,
  },
];

/** Environment variables the functions read; the stack and the emulator both set them. */
export const ENV = {
  tableName: 'TABLE_NAME',
  callbackUrl: 'CALLBACK_URL',
  workerFunctionName: 'WORKER_FUNCTION_NAME',
} as const;

/** Which functions need which environment variables. */
export const FUNCTION_ENV: Record<FunctionName, readonly (keyof typeof ENV)[]> = {
  connect: ['tableName', 'callbackUrl', 'workerFunctionName'],
  // Every function that posts hands the clean-up of connections found gone to the worker.
  disconnect: ['tableName', 'callbackUrl', 'workerFunctionName'],
  // The message function hands shards of large broadcasts to the worker.
  message: ['tableName', 'callbackUrl', 'workerFunctionName'],
  // The worker hands clean-ups it cannot finish to itself, by the name Lambda gives it
  // (AWS_LAMBDA_FUNCTION_NAME): its own name in its environment would be a circular reference.
  worker: ['tableName', 'callbackUrl'],
  authorize: [],
  // The heartbeat pings, and hands the clean-up of connections found gone to the worker.
  heartbeat: ['tableName', 'callbackUrl', 'workerFunctionName'],
};

/**
 * The authorizer's own variables (no table, no callback URL: it only checks tokens).
 * `AUTH_MODE` is `jwt` (default), `secret` (HS256 with `AUTH_SECRET`, local only) or
 * `anonymous` (guest identities for everyone).
 */
export const AUTH_ENV = {
  authMode: 'AUTH_MODE',
  authSecret: 'AUTH_SECRET',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  jwtJwksUri: 'JWT_JWKS_URI',
  /** `access` or `id`: the `token_use` tokens must carry (Cognito); `any` or empty: not checked. */
  jwtTokenUse: 'JWT_TOKEN_USE',
  /** Oldest token accepted (`iat`), in seconds; `exp` may not lie further ahead. Default 86,400. */
  tokenMaxAgeSeconds: 'TOKEN_MAX_AGE_SECONDS',
  /**
   * How long the authorizer keeps the issuer's JWKS, in seconds: a removed key is refused at
   * most this long after. Default jose's 600; the local runtime sets 0 (read at every connection).
   */
  jwksCacheSeconds: 'JWKS_CACHE_SECONDS',
} as const;

/** The values of `JWT_TOKEN_USE`: the `token_use` claim required (Cognito), or `any`. */
export const TOKEN_USES = ['access', 'id', 'any'] as const;
export type TokenUse = (typeof TOKEN_USES)[number];

/** `TOKEN_MAX_AGE_SECONDS` when unset: a day, the longest lifetime Cognito gives its tokens. */
export const DEFAULT_TOKEN_MAX_AGE_SECONDS = 86_400;

/**
 * The chat application's own settings, set on the `message` function (where clients join):
 * `PRIVATE_ROOMS` is JSON `{"private:<room>": ["<user id>", ...]}`. `FANOUT_SHARD_SIZE`
 * (optional, default 1,000) is the number of recipients above which a broadcast is split into
 * shards posted by parallel worker invocations, and the shard size.
 */
export const APP_ENV = {
  privateRooms: 'PRIVATE_ROOMS',
  fanoutShardSize: 'FANOUT_SHARD_SIZE',
  /** Seconds a message of a durable room stays readable (default 86,400: a day). */
  historyRetentionSeconds: 'HISTORY_RETENTION_SECONDS',
  /** How many of a durable room's latest messages stay readable (default 1,000). */
  historyMaxLength: 'HISTORY_MAX_LENGTH',
  /** Frames one connection may send in a burst, per container (default 20). */
  rateLimitCapacity: 'RATE_LIMIT_CAPACITY',
  /** Frames per second one connection may sustain, per container (default 10). */
  rateLimitRefillPerSecond: 'RATE_LIMIT_REFILL_PER_SECOND',
  /** Open connections per user; the next `$connect` is refused with 429 (default 10). */
  maxConnectionsPerUser: 'MAX_CONNECTIONS_PER_USER',
  /** Frames one user may send per message window, all connections together (default 20). */
  userMessageLimit: 'USER_MESSAGE_LIMIT',
  /** The message window in seconds (default 2). */
  userMessageWindowSeconds: 'USER_MESSAGE_WINDOW_SECONDS',
  /** Recipients the stage may post to on one user's behalf per delivery window (default 30,000). */
  userDeliveryLimit: 'USER_DELIVERY_LIMIT',
  /** The delivery window in seconds, a multiple of the message window (default 60). */
  userDeliveryWindowSeconds: 'USER_DELIVERY_WINDOW_SECONDS',
  /** Rooms one socket may be in; a join past it is answered `TOO_MANY_ROOMS` (default 100). */
  maxRoomsPerSocket: 'MAX_ROOMS_PER_SOCKET',
  /** `/notification` greets the whole namespace at most once per this many seconds (default 60). */
  greetingIntervalSeconds: 'GREETING_INTERVAL_SECONDS',
  /** Seconds between two pings of a Socket.IO connection (default 240); on `connect` and `heartbeat`. */
  pingIntervalSeconds: 'PING_INTERVAL_SECONDS',
  /** Seconds a Socket.IO client waits past the interval for a ping (default 120). */
  pingTimeoutSeconds: 'PING_TIMEOUT_SECONDS',
  /** Seconds between two ticks of the heartbeat schedule (default 60, the stack's rate). */
  heartbeatTickSeconds: 'HEARTBEAT_TICK_SECONDS',
} as const;
