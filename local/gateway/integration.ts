import { z } from 'zod';
import type { RouteIntegration } from '../../definitions/api';
import type { LambdaRunner } from './lambda-runner';

/** What API Gateway makes of a route's integration. */
export type IntegrationResponse =
  | {
      readonly kind: 'response';
      readonly statusCode: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string | undefined;
    }
  /** The Lambda threw, timed out, or does not exist. */
  | { readonly kind: 'failed' }
  /** The Lambda returned something that is not a proxy result (API Gateway: "Malformed Lambda proxy response"). */
  | { readonly kind: 'malformed'; readonly reason: string }
  /** No answer within the integration timeout (29 s on API Gateway). */
  | { readonly kind: 'timed-out' };

const headerValue = z.union([z.string(), z.number(), z.boolean()]);
const proxyResultSchema = z.looseObject({
  statusCode: z.number().int().min(100).max(599).optional(),
  headers: z.record(z.string(), headerValue).optional(),
  multiValueHeaders: z.record(z.string(), z.array(headerValue)).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

/**
 * Runs a route's integration: a MOCK answers its response body without any Lambda; a Lambda
 * proxy integration is invoked and its result read as `{ statusCode, headers, body }`
 * (a result without `statusCode`, or no result at all, counts as 200). A result of any other
 * shape (`statusCode: '403'`, a body that is not a string, array header values, a bare
 * string) is `malformed`, as API Gateway rejects a malformed Lambda proxy response.
 *
 * @example
 * const response = await runIntegration(runner, route.integration, event, 29_000);
 * if (response.kind === 'response' && response.body) connection.send(response.body);
 */
export async function runIntegration(
  runner: LambdaRunner,
  integration: RouteIntegration,
  event: unknown,
  timeoutMs: number,
): Promise<IntegrationResponse> {
  if (integration.type === 'mock') {
    return { kind: 'response', statusCode: 200, headers: {}, body: integration.responseBody };
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), timeoutMs);
  });
  const outcome = await Promise.race([runner.invoke(integration.function, event), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timed-out') return { kind: 'timed-out' };
  if (outcome.kind !== 'result') return { kind: 'failed' };
  const parsed = proxyResultSchema.nullish().safeParse(outcome.value);
  if (!parsed.success) return { kind: 'malformed', reason: z.prettifyError(parsed.error) };
  const result = parsed.data ?? {};
  return {
    kind: 'response',
    statusCode: result.statusCode ?? 200,
    headers: Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
    ),
    body: result.body,
  };
}
