import { randomBytes } from 'node:crypto';

/**
 * The `_X_AMZN_TRACE_ID` Lambda gives an invocation of a function with active tracing that
 * no caller traced: a new root (version 1, the epoch second in hex, 96 random bits), the id
 * of Lambda's own segment as parent, sampled.
 *
 * @example
 * lambdaTraceHeader(new Date('2026-12-04T00:00:00Z'));
 * // 'Root=1-6b120280-<24 hex digits>;Parent=<16 hex digits>;Sampled=1'
 */
export function lambdaTraceHeader(now: Date = new Date()): string {
  const epochSeconds = Math.floor(now.getTime() / 1_000)
    .toString(16)
    .padStart(8, '0');
  const root = `1-${epochSeconds}-${randomBytes(12).toString('hex')}`;
  return `Root=${root};Parent=${randomSegmentId()};Sampled=1`;
}

const TRACE_ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;

/**
 * The `_X_AMZN_TRACE_ID` of an invocation whose caller sent `callerHeader`
 * (`X-Amzn-Trace-Id`, as a traced SDK client's `Invoke` does): the caller's trace, root and
 * sampling decision, with the caller's subsegment as parent, so the function's segment joins
 * the caller's trace as on AWS (where Lambda's own segments sit in between). Without a
 * well-formed root (no header, or another one), a trace of its own (`lambdaTraceHeader`).
 *
 * @example
 * invocationTraceHeader('Root=1-6b120280-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1');
 * // 'Root=1-6b120280-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1'
 */
export function invocationTraceHeader(
  callerHeader: string | undefined,
  now: Date = new Date(),
): string {
  const fields = new Map<string, string>();
  for (const field of (callerHeader ?? '').split(';')) {
    const at = field.indexOf('=');
    if (at > 0) fields.set(field.slice(0, at).trim(), field.slice(at + 1).trim());
  }
  const root = fields.get('Root');
  if (root === undefined || !TRACE_ROOT.test(root)) return lambdaTraceHeader(now);
  const caller = fields.get('Parent');
  const parent = caller !== undefined && SEGMENT_ID.test(caller) ? caller : randomSegmentId();
  const sampled = fields.get('Sampled') === '0' ? '0' : '1';
  return `Root=${root};Parent=${parent};Sampled=${sampled}`;
}

function randomSegmentId(): string {
  return randomBytes(8).toString('hex');
}
