import type { Node } from 'constructs';
import { DEFAULT_TOKEN_MAX_AGE_SECONDS, TOKEN_USES, type TokenUse } from '../definitions/api';
import {
  DEFAULT_GREETING_INTERVAL_SECONDS,
  DEFAULT_MAX_ROOMS_PER_SOCKET,
  DEFAULT_USER_LIMITS,
  PrivateRooms,
} from '../definitions/app-environment';
import { NEST_MODULE_PATTERN } from '../definitions/nest-module';

/** The values of `cdk.json` → `context` that `ChatStack` reads. */
export interface StackConfig {
  /** API Gateway stage name; the last path segment of the WebSocket and callback URLs. */
  readonly stageName: string;
  /** Steady-state requests per second allowed on every route of the stage. */
  readonly throttlingRateLimit: number;
  /** Burst capacity (requests) of every route of the stage. */
  readonly throttlingBurstLimit: number;
  /** What happens to the table and the log groups when the stack is deleted. */
  readonly removalPolicy: RemovalPolicyName;
  /**
   * `cognito`: the stack's own user pool signs people in (`ChatSignIn`) and `$connect` needs
   * its access token; `jwt`: a JWT of another OIDC issuer, `jwtIssuer`, for `jwtAudience`;
   * `anonymous`: everyone gets a guest identity.
   */
  readonly authMode: StackAuthMode;
  /** The hosted sign-in domain's prefix (cognito mode); default derived from the stack id. */
  readonly cognitoDomainPrefix: string | undefined;
  /** The OIDC issuer (or Cognito user pool URL) whose JWTs the authorizer accepts. */
  readonly jwtIssuer: string | undefined;
  /** The audience (`aud`, or `client_id` of Cognito access tokens) the JWTs must carry. */
  readonly jwtAudience: string | undefined;
  /** jwt mode: the page's public client at `jwtIssuer` (code flow + PKCE); without it the page cannot sign in. */
  readonly jwtClientId: string | undefined;
  /**
   * The `token_use` claim `$connect` tokens must carry: `access`, `id`, or `any` (no check).
   * Unset: `access` in cognito mode (the page and wscat send access tokens), `any` in jwt mode.
   */
  readonly jwtTokenUse: TokenUse | undefined;
  /** Oldest token (`iat`) `$connect` accepts, in seconds; `exp` may not lie further ahead. */
  readonly tokenMaxAgeSeconds: number;
  /** Allow-lists of the private rooms (`private:<name>` → user ids); unlisted private rooms are closed. */
  readonly privateRooms: PrivateRooms;
  /** Where the alarms send notifications (an SNS topic with this email subscription); none when unset. */
  readonly alarmEmail: string | undefined;
  /** Seconds a message of a durable room stays readable (and recoverable after a reconnect). */
  readonly historyRetentionSeconds: number;
  /** How many of a durable room's latest messages stay readable. */
  readonly historyMaxLength: number;
  /** Open connections per user; the next `$connect` is refused with 429. */
  readonly maxConnectionsPerUser: number;
  /** Frames one user may send per `userMessageWindowSeconds`, all connections together. */
  readonly userMessageLimit: number;
  readonly userMessageWindowSeconds: number;
  /** Recipients the stage may post to on one user's behalf per `userDeliveryWindowSeconds`. */
  readonly userDeliveryLimit: number;
  /** A multiple of `userMessageWindowSeconds`. */
  readonly userDeliveryWindowSeconds: number;
  /** `/notification` greets the whole namespace at most once per this many seconds. */
  readonly greetingIntervalSeconds: number;
  /** Rooms one socket may be in; a join past it is answered `TOO_MANY_ROOMS`. */
  readonly maxRoomsPerSocket: number;
  /**
   * `<file>#<ExportName>` of a Nest module whose gateways replace the chat's namespaces
   * (`ChatStackProps.nest`); the file is relative to the working directory. Unset: the chat.
   */
  readonly nestModule: string | undefined;
}

/** The context keys of the per-user limits: positive integers, set on the chat functions. */
export const LIMIT_CONTEXT_KEYS = [
  'maxConnectionsPerUser',
  'userMessageLimit',
  'userMessageWindowSeconds',
  'userDeliveryLimit',
  'userDeliveryWindowSeconds',
  'greetingIntervalSeconds',
  'maxRoomsPerSocket',
] as const;

/** The accepted values of the `authMode` context key. */
export const STACK_AUTH_MODES = ['cognito', 'jwt', 'anonymous'] as const;

export type StackAuthMode = (typeof STACK_AUTH_MODES)[number];

/** The accepted values of the `removalPolicy` context key. */
export const REMOVAL_POLICY_NAMES = ['destroy', 'retain', 'snapshot'] as const;

export type RemovalPolicyName = (typeof REMOVAL_POLICY_NAMES)[number];

/** Used for every context key that is not set; the same values as `cdk.json`. */
export const DEFAULT_STACK_CONFIG: StackConfig = {
  stageName: 'dev',
  throttlingRateLimit: 500,
  throttlingBurstLimit: 1000,
  removalPolicy: 'destroy',
  authMode: 'cognito',
  cognitoDomainPrefix: undefined,
  jwtIssuer: undefined,
  privateRooms: {},
  jwtAudience: undefined,
  jwtClientId: undefined,
  jwtTokenUse: undefined,
  tokenMaxAgeSeconds: DEFAULT_TOKEN_MAX_AGE_SECONDS,
  alarmEmail: undefined,
  nestModule: undefined,
  historyRetentionSeconds: 86_400,
  historyMaxLength: 1_000,
  maxConnectionsPerUser: DEFAULT_USER_LIMITS.connectionsPerUser,
  userMessageLimit: DEFAULT_USER_LIMITS.messages.limit,
  userMessageWindowSeconds: DEFAULT_USER_LIMITS.messages.windowSeconds,
  userDeliveryLimit: DEFAULT_USER_LIMITS.deliveries.limit,
  userDeliveryWindowSeconds: DEFAULT_USER_LIMITS.deliveries.windowSeconds,
  greetingIntervalSeconds: DEFAULT_GREETING_INTERVAL_SECONDS,
  maxRoomsPerSocket: DEFAULT_MAX_ROOMS_PER_SOCKET,
};

/** A context value that the stack cannot use. */
export class InvalidContextError extends Error {
  constructor(key: keyof StackConfig, expected: string, value: unknown) {
    super(`Invalid CDK context "${key}": expected ${expected}, got ${JSON.stringify(value)}`);
    this.name = 'InvalidContextError';
  }
}

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Reads and validates the stack's context keys, falling back to `DEFAULT_STACK_CONFIG`.
 * Numbers may be JSON numbers (`cdk.json`) or strings (`cdk synth -c throttlingRateLimit=50`).
 *
 * @throws InvalidContextError when a value is present but unusable.
 * @example
 * const config = readStackConfig(app.node); // { stageName: 'dev', throttlingRateLimit: 500, ... }
 */
export function readStackConfig(node: Pick<Node, 'tryGetContext'>): StackConfig {
  const read = (key: keyof StackConfig): unknown => node.tryGetContext(key);
  return {
    stageName: readStageName(read('stageName')),
    throttlingRateLimit: readNumber(
      'throttlingRateLimit',
      read('throttlingRateLimit'),
      (n) => n >= 0,
      'a number >= 0',
    ),
    throttlingBurstLimit: readNumber(
      'throttlingBurstLimit',
      read('throttlingBurstLimit'),
      (n) => Number.isInteger(n) && n >= 0,
      'an integer >= 0',
    ),
    removalPolicy: readRemovalPolicy(read('removalPolicy')),
    authMode: readAuthMode(read('authMode')),
    cognitoDomainPrefix: readOptionalString(
      'cognitoDomainPrefix',
      read('cognitoDomainPrefix'),
      DOMAIN_PREFIX,
      '1-63 lowercase letters, digits and hyphens (no leading or trailing hyphen, no aws, amazon or cognito)',
    ),
    jwtIssuer: readOptionalString('jwtIssuer', read('jwtIssuer'), HTTPS_URL, 'an https:// URL'),
    jwtAudience: readOptionalString(
      'jwtAudience',
      read('jwtAudience'),
      AUDIENCE,
      'a non-empty string',
    ),
    jwtClientId: readOptionalString(
      'jwtClientId',
      read('jwtClientId'),
      AUDIENCE,
      'a non-empty string',
    ),
    jwtTokenUse: readTokenUse(read('jwtTokenUse')),
    tokenMaxAgeSeconds: readNumber(
      'tokenMaxAgeSeconds',
      read('tokenMaxAgeSeconds'),
      (n) => Number.isInteger(n) && n > 0,
      'an integer > 0',
    ),
    privateRooms: readPrivateRooms(read('privateRooms')),
    alarmEmail: readOptionalString('alarmEmail', read('alarmEmail'), EMAIL, 'an email address'),
    nestModule: readOptionalString(
      'nestModule',
      read('nestModule'),
      NEST_MODULE_PATTERN,
      '<file>#<ExportName>, e.g. src/chat.module.ts#ChatModule',
    ),
    historyRetentionSeconds: readNumber(
      'historyRetentionSeconds',
      read('historyRetentionSeconds'),
      (n) => Number.isInteger(n) && n > 0,
      'an integer > 0',
    ),
    historyMaxLength: readNumber(
      'historyMaxLength',
      read('historyMaxLength'),
      (n) => Number.isInteger(n) && n > 0,
      'an integer > 0',
    ),
    ...readLimits(read),
  };
}

/** The per-user limits; the delivery window must be a multiple of the message window. */
function readLimits(
  read: (key: keyof StackConfig) => unknown,
): Pick<StackConfig, (typeof LIMIT_CONTEXT_KEYS)[number]> {
  const positive = (key: (typeof LIMIT_CONTEXT_KEYS)[number]) =>
    readNumber(key, read(key), (n) => Number.isInteger(n) && n > 0, 'an integer > 0');
  const limits = Object.fromEntries(LIMIT_CONTEXT_KEYS.map((key) => [key, positive(key)])) as Pick<
    StackConfig,
    (typeof LIMIT_CONTEXT_KEYS)[number]
  >;
  if (limits.userDeliveryWindowSeconds % limits.userMessageWindowSeconds !== 0)
    throw new InvalidContextError(
      'userDeliveryWindowSeconds',
      `a multiple of userMessageWindowSeconds (${limits.userMessageWindowSeconds})`,
      limits.userDeliveryWindowSeconds,
    );
  return limits;
}

/** An object in cdk.json, or its JSON text with `-c privateRooms='{...}'`. */
function readPrivateRooms(value: unknown): PrivateRooms {
  if (value === undefined) return DEFAULT_STACK_CONFIG.privateRooms;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  const result = PrivateRooms.safeParse(parsed);
  if (result.success) return result.data;
  throw new InvalidContextError(
    'privateRooms',
    'an object {"private:<room>": ["<user id>", ...]}',
    value,
  );
}

const HTTPS_URL = /^https:\/\/[^\s]+$/;
const AUDIENCE = /^\S{1,256}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Cognito's rule, plus its reserved words. */
const DOMAIN_PREFIX = /^(?!.*(?:aws|amazon|cognito))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function readAuthMode(value: unknown): StackAuthMode {
  if (value === undefined) return DEFAULT_STACK_CONFIG.authMode;
  const match = STACK_AUTH_MODES.find((mode) => mode === value);
  if (match) return match;
  throw new InvalidContextError('authMode', `one of ${STACK_AUTH_MODES.join(' | ')}`, value);
}

function readTokenUse(value: unknown): TokenUse | undefined {
  if (value === undefined || value === '') return undefined;
  const match = TOKEN_USES.find((use) => use === value);
  if (match) return match;
  throw new InvalidContextError('jwtTokenUse', `one of ${TOKEN_USES.join(' | ')}`, value);
}

function readOptionalString(
  key:
    | 'jwtIssuer'
    | 'jwtAudience'
    | 'jwtClientId'
    | 'alarmEmail'
    | 'cognitoDomainPrefix'
    | 'nestModule',
  value: unknown,
  pattern: RegExp,
  expected: string,
): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && pattern.test(value)) return value;
  throw new InvalidContextError(key, expected, value);
}

function readStageName(value: unknown): string {
  if (value === undefined) return DEFAULT_STACK_CONFIG.stageName;
  if (typeof value === 'string' && STAGE_NAME.test(value)) return value;
  throw new InvalidContextError('stageName', '1-128 characters of [A-Za-z0-9_-]', value);
}

function readNumber(
  key:
    | 'throttlingRateLimit'
    | 'throttlingBurstLimit'
    | 'historyRetentionSeconds'
    | 'historyMaxLength'
    | 'tokenMaxAgeSeconds'
    | (typeof LIMIT_CONTEXT_KEYS)[number],
  value: unknown,
  isValid: (n: number) => boolean,
  expected: string,
): number {
  if (value === undefined) return DEFAULT_STACK_CONFIG[key];
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && DECIMAL.test(value.trim())
        ? Number(value)
        : Number.NaN;
  if (Number.isFinite(n) && isValid(n)) return n;
  throw new InvalidContextError(key, expected, value);
}

function readRemovalPolicy(value: unknown): RemovalPolicyName {
  if (value === undefined) return DEFAULT_STACK_CONFIG.removalPolicy;
  const match = REMOVAL_POLICY_NAMES.find((name) => name === value);
  if (match) return match;
  throw new InvalidContextError(
    'removalPolicy',
    `one of ${REMOVAL_POLICY_NAMES.join(' | ')}`,
    value,
  );
}
