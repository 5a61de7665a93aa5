import { PRICES } from './prices';

/** API Gateway meters messages in 32 KB units. */
export const MESSAGE_METERING_BYTES = 32 * 1024;

/**
 * The API Gateway message units of one frame: one per started 32 KB, at least one.
 *
 * @example
 * messageUnits('{"event":"chat"}'); // 1
 * messageUnits('x'.repeat(40_000)); // 2
 */
export function messageUnits(frame: string): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(frame, 'utf8') / MESSAGE_METERING_BYTES));
}

/** What one operation uses of each priced resource. */
export interface OperationUsage {
  /** API Gateway message units, in and out (client frame, posts, route-response frame). */
  readonly messageUnits: number;
  readonly lambdaInvocations: number;
  /** Billed duration of each invocation (Lambda rounds up to 1 ms). */
  readonly lambdaMsPerInvocation: number;
  readonly lambdaMemoryMb: number;
  readonly rcu: number;
  readonly wcu: number;
}

/** Dollars per million operations, by resource. */
export interface CostPerMillion {
  readonly apiGateway: number;
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly dynamoDbReads: number;
  readonly dynamoDbWrites: number;
  readonly total: number;
}

/**
 * Dollars per million operations:
 * `messages × $1.00 + invocations × $0.20 + invocations × ceil(ms) / 1000 × MB / 1024 × $0.0000133334 × 10⁶
 *  + RCU × $0.125 + WCU × $0.625`.
 *
 * @example
 * costPerMillion({ messageUnits: 11, lambdaInvocations: 1, lambdaMsPerInvocation: 20, lambdaMemoryMb: 256, rcu: 1.5, wcu: 0 }).total; // ≈ 11.45
 */
export function costPerMillion(usage: OperationUsage): CostPerMillion {
  const billedMs = Math.ceil(usage.lambdaMsPerInvocation);
  const gbSeconds = usage.lambdaInvocations * (billedMs / 1000) * (usage.lambdaMemoryMb / 1024);
  const apiGateway = usage.messageUnits * PRICES.apiGatewayMessagePerMillion;
  const lambdaRequests = usage.lambdaInvocations * PRICES.lambdaRequestPerMillion;
  const lambdaDuration = gbSeconds * PRICES.lambdaArmGbSecond * 1e6;
  const dynamoDbReads = usage.rcu * PRICES.dynamoDbReadUnitPerMillion;
  const dynamoDbWrites = usage.wcu * PRICES.dynamoDbWriteUnitPerMillion;
  return {
    apiGateway,
    lambdaRequests,
    lambdaDuration,
    dynamoDbReads,
    dynamoDbWrites,
    total: apiGateway + lambdaRequests + lambdaDuration + dynamoDbReads + dynamoDbWrites,
  };
}
