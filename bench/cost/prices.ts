/**
 * Prices of the cost model (us-east-1, from /work/shared/reference/apigw-websocket.md,
 * "Prices used for cost models"), in dollars per million units unless named otherwise.
 */
export const PRICES = {
  /** API Gateway WebSocket messages, in or out, metered per 32 KB. */
  apiGatewayMessagePerMillion: 1.0,
  lambdaRequestPerMillion: 0.2,
  /** Lambda duration on arm64, per GB-second (not per million). */
  lambdaArmGbSecond: 0.0000133334,
  /** DynamoDB on-demand, per million write request units (1 KB). */
  dynamoDbWriteUnitPerMillion: 0.625,
  /** DynamoDB on-demand, per million read request units (4 KB strongly consistent, half a unit eventually consistent). */
  dynamoDbReadUnitPerMillion: 0.125,
} as const;

/**
 * Prices the per-operation model (`PRICES`) does not cover (connections, storage, observability): us-east-1 list prices, taken as
 * assumptions. Connection minutes are from `/work/shared/reference/apigw-websocket.md`
 * ("Prices used for cost models"); the others from the public price pages.
 */
export const ASSUMED_PRICES = {
  /** API Gateway WebSocket connection minutes, per million. */
  connectionMinutePerMillion: 0.25,
  /** DynamoDB Standard table storage, per GB-month. */
  dynamoDbStorageGbMonth: 0.25,
  /** DynamoDB point-in-time recovery (on in the stack), per GB-month of table size. */
  dynamoDbPitrGbMonth: 0.2,
  /** CloudWatch custom metric (each name + dimension combination), per month, first 10,000. */
  customMetricMonth: 0.3,
  /** CloudWatch Logs ingestion (EMF lines, Lambda and access logs), per GB. */
  logIngestionGb: 0.5,
  /** X-Ray traces recorded, per million (beyond the free tier). */
  xrayTracePerMillion: 5,
  /** CloudWatch dashboard, per month (beyond 3 free). */
  dashboardMonth: 3,
  /** CloudWatch standard-resolution alarm, per month. */
  alarmMonth: 0.1,
} as const;

/**
 * Free tiers the bill does **not** deduct (an account usually shares them with other
 * workloads); listed in the document so a reader can subtract them.
 */
export const FREE_TIERS_NOT_DEDUCTED: readonly string[] = [
  'Lambda: 1 million requests and 400,000 GB-seconds per month',
  'DynamoDB: 25 GB of table storage',
  'CloudWatch: 10 custom metrics, 10 alarms, 3 dashboards, 5 GB of log ingestion per month',
  'X-Ray: 100,000 traces recorded per month',
];

/** The most the per-user message budget may add per million messages, in dollars (a goal). */
export const BUDGET_PRICE_CEILING = 0.7;
