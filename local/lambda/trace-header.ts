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
  return `Root=${root};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
}
