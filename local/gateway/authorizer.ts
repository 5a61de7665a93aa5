import { z } from 'zod';
import { errorMessage } from '../../lambdas/core/error-fields';
import { isInvokeAllowed, policyDocumentSchema } from './authorizer-policy';
import type { AuthorizerContext, AuthorizerEvent } from './events';
import type { LambdaHandler } from './lambda-handler';
import type { LambdaRunner } from './lambda-runner';

/** A Lambda REQUEST authorizer on `$connect`. */
export interface RequestAuthorizerOptions {
  /**
   * The authorizer function: returns `{ principalId, policyDocument, context }`. Omitted when
   * a function of `functionName` is registered with the others.
   */
  readonly handler?: LambdaHandler;
  /** Its function name (in its Lambda context). Default `'authorizer'`. */
  readonly functionName?: string;
  /**
   * Identity sources such as `route.request.querystring.token` or `route.request.header.Authorization`.
   * When one is missing or empty the client gets 401 and the authorizer is not invoked.
   */
  readonly identitySource?: readonly string[];
}

/**
 * The authorizer's answer: the context to attach to every event, or the handshake's status.
 * `reason` says why when the emulator decided (no identity, an invalid result); when the
 * authorizer decided, it logs its own reason, and when it failed, the runner logs the error.
 */
export type AuthorizerVerdict =
  | { readonly allowed: true; readonly context: AuthorizerContext }
  | {
      readonly allowed: false;
      readonly statusCode: 401 | 403 | 500;
      readonly reason?: string | undefined;
    };

/** API Gateway's limit on the authorizer's response. */
const MAX_RESULT_BYTES = 8 * 1024;
/** The error message with which an authorizer refuses with 401. */
const UNAUTHORIZED = 'Unauthorized';

const resultSchema = z.looseObject({
  principalId: z.string(),
  policyDocument: policyDocumentSchema,
  context: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

type IdentitySource = { readonly from: 'header' | 'querystring'; readonly name: string };

/**
 * Parses identity sources; throws on a kind the emulator does not support.
 *
 * @example
 * parseIdentitySources(['route.request.querystring.token']); // [{ from: 'querystring', name: 'token' }]
 */
export function parseIdentitySources(sources: readonly string[]): readonly IdentitySource[] {
  return sources.map((source) => {
    const match = /^route\.request\.(header|querystring)\.(.+)$/.exec(source);
    if (!match) throw new Error(`Unsupported identity source: ${source}`);
    return { from: match[1] as IdentitySource['from'], name: match[2] as string };
  });
}

/** Whether an authorizer's error is its way of refusing with 401 rather than a failure. */
function isUnauthorized(error: unknown): boolean {
  return errorMessage(error) === UNAUTHORIZED;
}

/**
 * Runs a REQUEST authorizer as API Gateway does on `$connect`: a missing identity source or
 * an `Error('Unauthorized')` gives 401, a policy that does not allow `methodArn` gives 403, an
 * invalid or failing authorizer gives 500; otherwise the context plus `principalId`. An
 * `Unauthorized` error is an answer, not a failure: the runner does not log it.
 *
 * @example
 * const verdict = await runAuthorizer(runner, 'authorizer', sources, event);
 * if (!verdict.allowed) rejectHandshake(verdict.statusCode);
 */
export async function runAuthorizer(
  runner: LambdaRunner,
  functionName: string,
  identitySources: readonly IdentitySource[],
  event: AuthorizerEvent,
): Promise<AuthorizerVerdict> {
  const missing = identitySources.find((source) => !hasIdentity(source, event));
  if (missing) {
    const source = `route.request.${missing.from}.${missing.name}`;
    const reason = `no ${missing.name}: ${source} is missing or empty, so the authorizer was not invoked`;
    return { allowed: false, statusCode: 401, reason };
  }
  // The runner logs the failures (errors other than Unauthorized, timeouts) itself.
  const outcome = await runner.invoke(functionName, event, { isAnswer: isUnauthorized });
  if (outcome.kind === 'error') {
    return { allowed: false, statusCode: isUnauthorized(outcome.error) ? 401 : 500 };
  }
  if (outcome.kind !== 'result') return { allowed: false, statusCode: 500 };
  const parsed = resultSchema.safeParse(outcome.value);
  if (!parsed.success || JSON.stringify(outcome.value).length > MAX_RESULT_BYTES) {
    const problem = parsed.success ? 'a result over 8 KB' : 'no valid policy';
    return { allowed: false, statusCode: 500, reason: `the authorizer returned ${problem}` };
  }
  if (!isInvokeAllowed(parsed.data.policyDocument, event.methodArn)) {
    return { allowed: false, statusCode: 403 };
  }
  return {
    allowed: true,
    context: { ...parsed.data.context, principalId: parsed.data.principalId },
  };
}

function hasIdentity(source: IdentitySource, event: AuthorizerEvent): boolean {
  const wanted = source.name.toLowerCase();
  const value =
    source.from === 'querystring'
      ? event.queryStringParameters?.[source.name]
      : Object.entries(event.headers).find(([name]) => name.toLowerCase() === wanted)?.[1];
  return value !== undefined && value !== '';
}
