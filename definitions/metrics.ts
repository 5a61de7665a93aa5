/**
 * The custom CloudWatch metrics the functions publish (CloudWatch EMF, through Powertools
 * Metrics) and the dashboard and alarms of the stack read (`lib/observability.ts`).
 * Plain data, no CDK imports, so the Lambda bundles can load it cheaply.
 *
 * @example
 * new Metric({ namespace: METRICS_NAMESPACE, metricName: 'Connections', dimensionsMap: { service: SERVICE_NAME } });
 */
import { ERROR_CODES } from '../lambdas/core/errors';
import type { ChatMetricName } from '../lambdas/core/ports';

/** The CloudWatch namespace of every custom metric. */
export const METRICS_NAMESPACE = 'ApigwChat';

/**
 * `POWERTOOLS_SERVICE_NAME` of every function, and the value of the `service` dimension
 * Powertools adds to every metric it publishes.
 */
export const SERVICE_NAME = 'apigw-chat';

/** The dimension Powertools adds to every metric, whose value is `SERVICE_NAME`. */
export const SERVICE_DIMENSION = 'service';

/** The dimension of `Errors`: the protocol error code of the error frame sent. */
export const ERROR_CODE_DIMENSION = 'ErrorCode';

/** The values of `ERROR_CODE_DIMENSION`: every protocol error code. */
export { ERROR_CODES };

/** The counts the `$connect` authorizer publishes, one per invocation that decided. */
export const AUTHORIZER_METRICS = {
  allowed: 'AuthorizerAllowed',
  denied: 'AuthorizerDenied',
} as const;

/** The core's counts the dashboard graphs, by widget. */
export const DASHBOARD_COUNTS = {
  connections: ['Connections', 'ConnectionsRefused', 'Disconnections'],
  deliveries: ['MessagesReceived', 'Deliveries', 'DeliveryFailures', 'GoneCleanups'],
} as const satisfies Record<string, readonly ChatMetricName[]>;

/** The core's duration metric (milliseconds): one emit, from audience read to last post. */
export const FANOUT_TIME = 'FanoutTime';
