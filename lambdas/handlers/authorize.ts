import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { CONNECT_AUTHORIZER } from '../../definitions/api';
import { AUTHORIZER_METRICS, SERVICE_NAME } from '../../definitions/metrics';
import { createPowertoolsMetrics, publishStoredMetrics } from '../adapters/powertools-metrics';
import {
  type AuthConfig,
  createTokenVerifier,
  InvalidTokenError,
  readAuthConfig,
  type TokenVerifier,
  type UserIdentity,
} from '../auth';
import { errorFields } from '../core/error-fields';
import * as z from '../core/zod';

/** The REQUEST authorizer's event on `$connect` (the parts it reads). */
const AuthorizerEvent = z.looseObject({
  methodArn: z.string().check(z.minLength(1)),
  headers: z.nullish(z.record(z.string(), z.string())),
  queryStringParameters: z.nullish(z.record(z.string(), z.string())),
});

/**
 * What API Gateway expects back: an IAM policy on `methodArn` and a context of primitives,
 * which API Gateway adds to every event of the connection as `requestContext.authorizer`.
 */
export interface AuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly {
      readonly Action: 'execute-api:Invoke';
      readonly Effect: 'Allow' | 'Deny';
      readonly Resource: string;
    }[];
  };
  readonly context?: { readonly userId: string; readonly name: string };
}

/** The error message API Gateway turns into 401. */
const UNAUTHORIZED = 'Unauthorized';

/**
 * The token of a `$connect` request: the subprotocol `token.<jwt>` among those the client
 * offers (`new WebSocket(url, ['apigw-chat', 'token.' + jwt])`). Never the URL: a token
 * there lands in access logs, proxies and browser history, so `?token=` is not read.
 *
 * @example
 * tokenOf({ 'Sec-WebSocket-Protocol': 'apigw-chat, token.eyJ…' }); // 'eyJ…'
 */
export function tokenOf(headers: Readonly<Record<string, string>>): string | undefined {
  const offered = Object.entries(headers).find(
    ([name]) => name.toLowerCase() === 'sec-websocket-protocol',
  )?.[1];
  const prefix = CONNECT_AUTHORIZER.tokenSubprotocolPrefix;
  const protocol = offered
    ?.split(',')
    .map((item) => item.trim())
    .find((item) => item.startsWith(prefix) && item.length > prefix.length);
  return protocol?.slice(prefix.length);
}

/** A fresh guest identity for anonymous mode, e.g. `{ userId: 'guest-3f9a1c2b', name: 'Guest 3f9a' }`. */
export function guestIdentity(): UserIdentity {
  const suffix = randomBytes(4).toString('hex');
  return { userId: `guest-${suffix}`, name: `Guest ${suffix.slice(0, 4)}` };
}

function policy(
  identity: UserIdentity | undefined,
  effect: 'Allow' | 'Deny',
  methodArn: string,
): AuthorizerResult {
  return {
    principalId: identity?.userId ?? 'unknown',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }],
    },
    ...(identity && effect === 'Allow'
      ? { context: { userId: identity.userId, name: identity.name } }
      : {}),
  };
}

export interface AuthorizeHandlerOptions {
  /** Default: `process.env`, read on every invocation (the verifier is kept while it is unchanged). */
  readonly env?: () => NodeJS.ProcessEnv;
  readonly logger?: Pick<Logger, 'warn' | 'info' | 'error' | 'addContext'>;
  /** Default: `createTokenVerifier(config)`. */
  readonly verifierFor?: (config: Exclude<AuthConfig, { mode: 'anonymous' }>) => TokenVerifier;
  /** Counts `AuthorizerAllowed` and `AuthorizerDenied`. Default `createPowertoolsMetrics()`. */
  readonly metrics?: Metrics;
}

/**
 * The `$connect` REQUEST authorizer. With a valid token: Allow on `methodArn`, context
 * `{ userId, name }`. Without a token, or with one that is malformed, badly signed or expired:
 * throws `Unauthorized` (401). With a genuine token for another issuer or audience: Deny (403).
 * `AUTH_MODE=anonymous` allows everyone with a guest identity, and says so in a warning.
 * Each decision is counted (`AuthorizerAllowed`, `AuthorizerDenied`, 401 and 403 alike) and
 * published before the invocation ends. No tracer here: it would more than double the bundle,
 * and Lambda's own segment already times the invocation.
 *
 * @example
 * export const handler = createAuthorizeHandler();
 */
export function createAuthorizeHandler(options: AuthorizeHandlerOptions = {}) {
  const readEnv = options.env ?? (() => process.env);
  const logger = options.logger ?? new Logger({ serviceName: SERVICE_NAME });
  const verifierFor = options.verifierFor ?? createTokenVerifier;
  const metrics = options.metrics ?? createPowertoolsMetrics();
  const decided = <T>(outcome: keyof typeof AUTHORIZER_METRICS, result: T): T => {
    metrics.addMetric(AUTHORIZER_METRICS[outcome], MetricUnit.Count, 1);
    return result;
  };
  const unauthorized = (): Error => decided('denied', new Error(UNAUTHORIZED));
  let cached: { key: string; verifier: TokenVerifier } | undefined;

  const verifierOf = (config: Exclude<AuthConfig, { mode: 'anonymous' }>): TokenVerifier => {
    const key = JSON.stringify(config);
    if (cached?.key !== key) cached = { key, verifier: verifierFor(config) };
    return cached.verifier;
  };

  const configOf = (env: NodeJS.ProcessEnv): AuthConfig => {
    try {
      return readAuthConfig(env);
    } catch (error) {
      // Fails closed: API Gateway answers 500 and nobody connects until the stack is fixed.
      logger.error('Authorizer misconfigured', { ...errorFields(error, { stack: true }) });
      throw error;
    }
  };

  const authorize = async (event: unknown): Promise<AuthorizerResult> => {
    const parsed = AuthorizerEvent.safeParse(event);
    if (!parsed.success) {
      logger.error('Invalid authorizer event', { issues: parsed.error.issues });
      throw unauthorized();
    }
    const { methodArn } = parsed.data;
    const config = configOf(readEnv());
    if (config.mode === 'anonymous') {
      const guest = guestIdentity();
      logger.warn('AUTH_MODE=anonymous: connection allowed without a token', {
        userId: guest.userId,
      });
      return decided('allowed', policy(guest, 'Allow', methodArn));
    }
    const token = tokenOf(parsed.data.headers ?? {});
    if (!token) {
      logger.info('Connection refused: no token');
      throw unauthorized();
    }
    try {
      const identity = await verifierOf(config).verify(token);
      logger.info('Connection authorized', { userId: identity.userId });
      return decided('allowed', policy(identity, 'Allow', methodArn));
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      logger.info('Connection refused: invalid token', {
        rejection: error.rejection,
        reason: error.message,
      });
      if (error.rejection === 'forbidden') {
        return decided('denied', policy(undefined, 'Deny', methodArn));
      }
      throw unauthorized();
    }
  };

  return async (event: unknown, context?: Context): Promise<AuthorizerResult> => {
    if (context) logger.addContext(context);
    try {
      return await authorize(event);
    } finally {
      publishStoredMetrics(metrics);
    }
  };
}

export const handler = createAuthorizeHandler();
