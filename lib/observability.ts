import { ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  AUTHORIZER_METRICS,
  DASHBOARD_COUNTS,
  ERROR_CODE_DIMENSION,
  ERROR_CODES,
  FANOUT_TIME,
  METRICS_NAMESPACE,
  SERVICE_DIMENSION,
  SERVICE_NAME,
} from '../definitions/metrics';

/** The period of every alarm and graph. */
export const OBSERVABILITY_PERIOD = Duration.minutes(5);

/** The alarms' thresholds (per `OBSERVABILITY_PERIOD`) unless `ChatObservabilityProps` sets others. */
export const DEFAULT_ALARM_THRESHOLDS = {
  /** Invocations of one function that failed (threw, timed out, ran out of memory). */
  lambdaErrors: 1,
  /** Invocations of one function refused for lack of concurrency. */
  lambdaThrottles: 1,
  /** `IntegrationError + ExecutionError` of the stage: see `ChatObservability`. */
  apiErrors: 10,
  /** p99 of the stage's `IntegrationLatency`, in milliseconds (API Gateway cuts off at 29 s). */
  integrationLatencyP99Ms: 2_000,
} as const;

export type AlarmThresholds = { readonly [K in keyof typeof DEFAULT_ALARM_THRESHOLDS]: number };

export interface ChatObservabilityProps {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  /** The functions to graph and alarm on, by the name used in construct ids and labels. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Subscribed to an SNS topic that every alarm notifies (alarm and OK). @default no topic, alarms without actions */
  readonly alarmEmail?: string;
  /** @default DEFAULT_ALARM_THRESHOLDS */
  readonly thresholds?: Partial<AlarmThresholds>;
  /** Of the alarm topic's KMS key. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The chat's CloudWatch dashboard and alarms, with `DashboardName` and `DashboardUrl` outputs.
 *
 * Dashboard: the stage's `AWS/ApiGateway` metrics (dimensions `ApiId`, `Stage`); each
 * function's Lambda `Errors`, `Throttles` and `Duration`; the chat's own `ApigwChat` metrics
 * (dimension `service=apigw-chat`, and `ErrorCode` for `Errors`), published as EMF by the
 * handlers; and the state of every alarm.
 *
 * Alarms (`treatMissingData: notBreaching`, so a quiet stack stays OK): per function `Errors`
 * and `Throttles`; the stage's server-side errors; the stage's `IntegrationLatency` p99.
 * WebSocket APIs have no `5XXError` metric (REST and HTTP APIs do). What comes closest is
 * `ExecutionError` (API Gateway failed to call the integration: the Lambda threw, timed out or
 * was throttled; the client sees "Internal server error") plus `IntegrationError` (the
 * integration answered 4xx or 5xx). `IntegrationError` also counts `$connect` refusals that
 * the integration decided (404 unknown namespace, 401/403 from middleware), so the alarm's
 * threshold leaves room for a few of those; `ClientError` (4xx from API Gateway itself, before
 * any integration: authorizer refusals, throttling) is graphed, not alarmed on.
 *
 * @example
 * new ChatObservability(this, 'Observability', { api, stage, functions, alarmEmail: 'ops@example.com' });
 */
export class ChatObservability extends Construct {
  readonly dashboard: Dashboard;
  /** Every alarm, by id (`<Function>Errors`, `<Function>Throttles`, `ApiErrors`, `IntegrationLatencyP99`). */
  readonly alarms: Readonly<Record<string, Alarm>>;
  /** The alarms' SNS topic; only with `alarmEmail`. */
  readonly alarmTopic: Topic | undefined;

  private readonly props: ChatObservabilityProps;

  constructor(scope: Construct, id: string, props: ChatObservabilityProps) {
    super(scope, id);
    this.props = props;
    const thresholds = { ...DEFAULT_ALARM_THRESHOLDS, ...props.thresholds };
    const functions = Object.entries(props.functions);

    const alarms: Record<string, Alarm> = {};
    for (const [name, fn] of functions) {
      const label = pascalCase(name);
      alarms[`${label}Errors`] = this.alarm(`${label}Errors`, {
        metric: fn.metricErrors({ period: OBSERVABILITY_PERIOD, statistic: Stats.SUM }),
        threshold: thresholds.lambdaErrors,
        description: `Lambda ${name}: at least ${thresholds.lambdaErrors} failed invocation(s) in 5 minutes.`,
      });
      alarms[`${label}Throttles`] = this.alarm(`${label}Throttles`, {
        metric: fn.metricThrottles({ period: OBSERVABILITY_PERIOD, statistic: Stats.SUM }),
        threshold: thresholds.lambdaThrottles,
        description: `Lambda ${name}: at least ${thresholds.lambdaThrottles} throttled invocation(s) in 5 minutes.`,
      });
    }
    alarms.ApiErrors = this.alarm('ApiErrors', {
      metric: this.apiErrors(),
      threshold: thresholds.apiErrors,
      description: `WebSocket stage ${props.stage.stageName}: at least ${thresholds.apiErrors} IntegrationError + ExecutionError in 5 minutes (the WebSocket counterpart of 5XXError).`,
    });
    alarms.IntegrationLatencyP99 = this.alarm('IntegrationLatencyP99', {
      metric: this.apiMetric('IntegrationLatency', Stats.p(99)),
      threshold: thresholds.integrationLatencyP99Ms,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: `WebSocket stage ${props.stage.stageName}: IntegrationLatency p99 above ${thresholds.integrationLatencyP99Ms} ms in 2 of 3 periods of 5 minutes.`,
    });
    this.alarms = alarms;

    this.alarmTopic =
      props.alarmEmail === undefined ? undefined : this.createAlarmTopic(props.alarmEmail);
    if (this.alarmTopic) {
      const action = new SnsAction(this.alarmTopic);
      for (const alarm of Object.values(alarms)) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-${props.stage.stageName}`,
      defaultInterval: Duration.hours(3),
    });
    this.addApiWidgets(thresholds.integrationLatencyP99Ms);
    this.addFunctionWidgets(functions);
    this.addChatWidgets();
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(alarms), width: 24 }),
    );

    new CfnOutput(this, 'DashboardName', {
      value: this.dashboard.dashboardName,
      description: 'CloudWatch dashboard of the chat',
    }).overrideLogicalId('DashboardName');
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`,
      description: 'CloudWatch console URL of the dashboard',
    }).overrideLogicalId('DashboardUrl');
  }

  /** A metric of this stage in `AWS/ApiGateway` (dimensions `ApiId`, `Stage`). */
  private apiMetric(metricName: string, statistic: string): Metric {
    const { api, stage } = this.props;
    return api.metric(metricName, {
      dimensionsMap: { ApiId: api.apiId, Stage: stage.stageName },
      period: OBSERVABILITY_PERIOD,
      statistic,
    });
  }

  /** `IntegrationError + ExecutionError`: the stage's server-side errors. */
  private apiErrors(): MathExpression {
    return new MathExpression({
      expression: 'integrationErrors + executionErrors',
      usingMetrics: {
        integrationErrors: this.apiMetric('IntegrationError', Stats.SUM),
        executionErrors: this.apiMetric('ExecutionError', Stats.SUM),
      },
      label: 'IntegrationError + ExecutionError',
      period: OBSERVABILITY_PERIOD,
    });
  }

  private alarm(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      description: string;
      comparison?: ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): Alarm {
    return new Alarm(this, `${id}Alarm`, {
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator:
        options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm ?? options.evaluationPeriods ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
  }

  /**
   * The alarms' topic, encrypted with its own key (CloudWatch cannot publish to a topic
   * encrypted with the AWS managed `alias/aws/sns` key, whose policy cannot grant it), TLS
   * only. CloudWatch may publish and use the key for this account's alarms only.
   */
  private createAlarmTopic(email: string): Topic {
    const stack = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the apigw-chat alarm topic',
      enableKeyRotation: true,
      removalPolicy: this.props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: 'apigw-chat alarms',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }

  private addApiWidgets(latencyThresholdMs: number): void {
    const sum = (name: string) => this.apiMetric(name, Stats.SUM);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API: connections and messages',
        left: [sum('ConnectCount'), sum('MessageCount')],
        width: 8,
      }),
      new GraphWidget({
        title: 'API: errors',
        left: [sum('IntegrationError'), sum('ExecutionError'), sum('ClientError')],
        width: 8,
      }),
      new GraphWidget({
        title: 'API: integration latency (ms)',
        left: [
          this.apiMetric('IntegrationLatency', Stats.p(50)),
          this.apiMetric('IntegrationLatency', Stats.p(99)),
        ],
        leftAnnotations: [{ value: latencyThresholdMs, label: 'p99 alarm' }],
        width: 8,
      }),
    );
  }

  private addFunctionWidgets(functions: readonly [string, IFunction][]): void {
    const each = (metricOf: (fn: IFunction, label: string) => IMetric) =>
      functions.map(([name, fn]) => metricOf(fn, name));
    const period = OBSERVABILITY_PERIOD;
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda: errors',
        left: each((fn, label) => fn.metricErrors({ period, statistic: Stats.SUM, label })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda: throttles',
        left: each((fn, label) => fn.metricThrottles({ period, statistic: Stats.SUM, label })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda: duration p99 (ms)',
        left: each((fn, label) => fn.metricDuration({ period, statistic: Stats.p(99), label })),
        width: 8,
      }),
    );
  }

  private addChatWidgets(): void {
    const chat = (metricName: string, statistic: string, dimensions = {}) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME, ...dimensions },
        period: OBSERVABILITY_PERIOD,
        statistic,
      });
    const sums = (names: readonly string[]) => names.map((name) => chat(name, Stats.SUM));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Chat: connections',
        left: sums(DASHBOARD_COUNTS.connections),
        width: 5,
      }),
      new GraphWidget({
        title: 'Chat: messages and deliveries',
        left: sums(DASHBOARD_COUNTS.deliveries),
        width: 5,
      }),
      new GraphWidget({
        title: 'Chat: error frames by code',
        left: ERROR_CODES.map((code) =>
          chat('Errors', Stats.SUM, { [ERROR_CODE_DIMENSION]: code }).with({ label: code }),
        ),
        stacked: true,
        width: 5,
      }),
      new GraphWidget({
        title: 'Chat: fan-out time (ms)',
        left: [chat(FANOUT_TIME, Stats.p(50)), chat(FANOUT_TIME, Stats.p(99))],
        width: 5,
      }),
      new GraphWidget({
        title: 'Authorizer: decisions',
        left: sums(Object.values(AUTHORIZER_METRICS)),
        width: 4,
      }),
    );
  }
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
