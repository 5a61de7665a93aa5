import { LAMBDA_FUNCTIONS } from '../../definitions/api';
import { DEFAULT_FUNCTION_MEMORY_MB, FAN_OUT_SIZING } from '../../definitions/fan-out-sizing';
import { AUTHORIZER_METRICS, FANOUT_TIME } from '../../definitions/metrics';
import { ERROR_CODES } from '../../lambdas/core/errors';
import type { ChatMetricName } from '../../lambdas/core/ports';

/** The core's counts without a dimension (every value of `ChatMetricName` but `Errors`). */
const UNDIMENSIONED_COUNTS = [
  'Connections',
  'ConnectionsRefused',
  'Disconnections',
  'MessagesReceived',
  'Deliveries',
  'DeliveryFailures',
  'GoneCleanups',
  'ShardsDispatched',
  'HistoryAppends',
  'PresenceEvents',
  'Pings',
] as const satisfies readonly ChatMetricName[];

/** Fails to compile when `ChatMetricName` gains a name this list does not know. */
type Unlisted = Exclude<ChatMetricName, (typeof UNDIMENSIONED_COUNTS)[number] | 'Errors'>;
const everyMetricListed: [Unlisted] extends [never] ? true : never = true;

/**
 * Custom metrics the stack publishes (dimension `service`): the core's counts, `FanoutTime`,
 * `Errors` once per `ErrorCode`, and the authorizer's decisions.
 */
export const CUSTOM_METRICS: number = everyMetricListed
  ? [...UNDIMENSIONED_COUNTS, FANOUT_TIME].length +
    ERROR_CODES.length +
    Object.keys(AUTHORIZER_METRICS).length
  : 0;

/** The stack's alarms (`lib/observability.ts`): `Errors` and `Throttles` per function, `ApiErrors`, `IntegrationLatencyP99`. */
export const ALARMS: number = Object.keys(LAMBDA_FUNCTIONS).length * 2 + 2;

/** What the model assumes besides prices; every field is an estimate or a default of the stack. */
export interface ModelAssumptions {
  readonly daysPerMonth: number;
  /** Memory of the message and worker functions (`FAN_OUT_SIZING`, the cost suite's `lambdaMemoryMb`). */
  readonly lambdaMemoryMb: number;
  /** Memory of connect, disconnect and the authorizer (`DEFAULT_FUNCTION_MEMORY_MB`). */
  readonly otherMemoryMb: number;
  /** Billed ms of an invocation at least this (local handler times are not Lambda's). */
  readonly lambdaMsFloor: number;
  /**
   * CPU of one post at one full vCPU, µs. Default: the lean post path's goal (120 µs);
   * `assumptionsFor` takes the fan-out suite's measured figure.
   */
  readonly cpuPerPostMicros: number;
  /**
   * CPU of one asynchronous invocation of a shard worker at one full vCPU, µs (an SDK call).
   * Default: an SDK post's 520 µs; `assumptionsFor` takes the fan-out suite's figure.
   */
  readonly cpuPerDispatchMicros: number;
  /** Time of one PostToConnection on AWS (the fan-out benchmark's delay). */
  readonly postLatencyMs: number;
  /** Posts in flight per invocation (the adapter's default). */
  readonly postConcurrency: number;
  /** Recipients per invocation above which a fan-out is split into shards (`FAN_OUT_SIZING`). */
  readonly shardSize: number;
  /** Billed ms of one `$connect` authorizer invocation (not measured by the cost suite). */
  readonly authorizerMs: number;
  /** Client keep-alive: a ping after this many minutes without a send (`keepAliveMs` of `client/options.ts`). */
  readonly keepAliveMinutes: number;
  /** API Gateway's maximum connection duration. */
  readonly maxConnectionHours: number;
  /** Stored size of one history message with its key and attributes, plus DynamoDB's 100-byte item overhead. */
  readonly historyItemBytes: number;
  /** Days an expired item stays stored before DynamoDB's TTL deletes it. */
  readonly ttlDeletionLagDays: number;
  /** Log bytes of every Lambda invocation: START, END and REPORT lines. */
  readonly platformLogBytes: number;
  /** Log bytes of the EMF line every invocation publishes. */
  readonly emfLogBytes: number;
  /** Log bytes of the INFO line of each connect, authorization and disconnect. */
  readonly appLogBytes: number;
  /** Log bytes of one stage access-log line (every connect, inbound frame and disconnect). */
  readonly accessLogBytes: number;
  /** X-Ray default sampling rule: this many traces per second … */
  readonly xrayReservoirPerSecond: number;
  /** … plus this share of the rest. */
  readonly xrayRate: number;
  readonly dashboards: number;
  readonly alarms: number;
  readonly customMetrics: number;
}

export const DEFAULT_ASSUMPTIONS: ModelAssumptions = {
  daysPerMonth: 30,
  lambdaMemoryMb: FAN_OUT_SIZING.memoryMb,
  otherMemoryMb: DEFAULT_FUNCTION_MEMORY_MB,
  lambdaMsFloor: 20,
  cpuPerPostMicros: 120,
  cpuPerDispatchMicros: 520,
  postLatencyMs: 20,
  postConcurrency: 64,
  shardSize: FAN_OUT_SIZING.shardSize,
  authorizerMs: 20,
  keepAliveMinutes: 5,
  maxConnectionHours: 2,
  historyItemBytes: 400,
  ttlDeletionLagDays: 2,
  platformLogBytes: 350,
  emfLogBytes: 500,
  appLogBytes: 350,
  accessLogBytes: 250,
  xrayReservoirPerSecond: 1,
  xrayRate: 0.05,
  dashboards: 1,
  alarms: ALARMS,
  customMetrics: CUSTOM_METRICS,
};
