import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../definitions/metrics';
import type { ChatMetricName, ChatMetrics } from '../core/ports';

export interface PowertoolsChatMetricsOptions {
  /** Default `createPowertoolsMetrics()`. */
  readonly metrics?: Metrics;
}

/** A count being summed until the next `publish()`. */
interface PendingCount {
  readonly name: ChatMetricName;
  readonly dimension: Readonly<Record<string, string>> | undefined;
  value: number;
}

/**
 * The Powertools `Metrics` of the chat: namespace `ApigwChat`, dimension `service=apigw-chat`.
 * Without `POWERTOOLS_METRICS_DISABLED=true` it writes EMF lines to stdout on publish.
 *
 * @example
 * const metrics = createPowertoolsMetrics();
 */
export function createPowertoolsMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
}

/**
 * Publishes what `metrics` has stored as one EMF line, and nothing (not even Powertools'
 * "No application metrics to publish" warning) when it has stored nothing.
 *
 * @example
 * try { metrics.addMetric('AuthorizerAllowed', MetricUnit.Count, 1); } finally { publishStoredMetrics(metrics); }
 */
export function publishStoredMetrics(metrics: Metrics): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/**
 * `ChatMetrics` on Powertools Metrics (CloudWatch EMF). Counts are summed in memory until
 * `publish()`, which the handlers call once at the end of each invocation. A count without a
 * dimension goes into the one EMF line of the invocation (dimension `service`); each count
 * with a dimension (`Errors` by `ErrorCode`) is published on a line of its own, through
 * `Metrics.singleMetric()`, so its dimension never lands on the other metrics. Durations
 * (`FanoutTime`) are kept as separate values, in milliseconds, so percentiles stay right.
 *
 * @example
 * const metrics = new PowertoolsChatMetrics();
 * metrics.count('Errors', 1, { ErrorCode: 'FORBIDDEN' });
 * metrics.publish();
 */
export class PowertoolsChatMetrics implements ChatMetrics {
  readonly #metrics: Metrics;
  readonly #counts = new Map<string, PendingCount>();

  constructor(options: PowertoolsChatMetricsOptions = {}) {
    this.#metrics = options.metrics ?? createPowertoolsMetrics();
  }

  count(name: ChatMetricName, value = 1, dimension?: Readonly<Record<string, string>>): void {
    const key = dimension === undefined ? name : `${name} ${JSON.stringify(sorted(dimension))}`;
    const pending = this.#counts.get(key);
    if (pending) pending.value += value;
    else this.#counts.set(key, { name, dimension, value });
  }

  milliseconds(name: 'FanoutTime', value: number): void {
    this.#metrics.addMetric(name, MetricUnit.Milliseconds, value);
  }

  /** Writes everything recorded since the last call and forgets it; writes nothing when nothing was recorded. */
  publish(): void {
    const counts = [...this.#counts.values()];
    this.#counts.clear();
    for (const { name, dimension, value } of counts) {
      if (dimension === undefined) {
        this.#metrics.addMetric(name, MetricUnit.Count, value);
        continue;
      }
      const single = this.#metrics.singleMetric();
      single.addDimensions({ ...dimension });
      single.addMetric(name, MetricUnit.Count, value);
    }
    publishStoredMetrics(this.#metrics);
  }
}

/** The same dimension whatever the order of its keys. */
function sorted(dimension: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(dimension).sort(([a], [b]) => a.localeCompare(b));
}
