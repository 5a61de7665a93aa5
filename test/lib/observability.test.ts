import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { type FunctionName, LAMBDA_FUNCTIONS } from '../../definitions/api';
import { ERROR_CODES } from '../../lambdas/core/errors';
import { ChatStack } from '../../lib/chat-stack';
import { DEFAULT_ALARM_THRESHOLDS } from '../../lib/observability';
import { InvalidContextError } from '../../lib/stack-config';
import {
  functionIds,
  onlyIdOf,
  render,
  resourceOf,
  resourcesOf,
  statementsOf,
  statementsWithAction,
} from './template-helpers';

const FUNCTION_NAMES = Object.keys(LAMBDA_FUNCTIONS) as FunctionName[];
const ALARM = 'AWS::CloudWatch::Alarm';

/** Synthesizes a ChatStack without bundling. */
function synth(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(new ChatStack(app, 'ApigwChat'));
}

/** One `metrics` entry of a dashboard widget: namespace, name, dimension pairs, then options. */
type WidgetMetric = (string | Record<string, unknown>)[];

interface Widget {
  readonly type: string;
  readonly properties: { readonly title?: string; readonly metrics?: WidgetMetric[] };
}

/** The dashboard's widgets, CloudFormation references rendered as `{LogicalId}`. */
function widgetsOf(template: Template): Widget[] {
  const dashboard = resourceOf(
    template,
    'AWS::CloudWatch::Dashboard',
    onlyIdOf(template, 'AWS::CloudWatch::Dashboard'),
  );
  return (JSON.parse(render(dashboard.Properties.DashboardBody)) as { widgets: Widget[] }).widgets;
}

/** Every metric line of the widget with that title, as `namespace name dim=value … stat` (dimensions sorted). */
function linesOf(widgets: Widget[], title: string): string[] {
  const widget = widgets.find((w) => w.properties.title === title);
  if (!widget) throw new Error(`No widget "${title}"`);
  return (widget.properties.metrics ?? []).map((entry) => {
    const options = entry.find((part) => typeof part === 'object') as { stat?: string };
    const [namespace, name, ...rest] = entry.filter((part) => typeof part === 'string');
    const dimensions: string[] = [];
    for (let i = 0; i < rest.length; i += 2) dimensions.push(`${rest[i]}=${rest[i + 1]}`);
    return [namespace, name, ...dimensions.sort(), options?.stat].join(' ');
  });
}

/** The alarm whose only metric has this name (or whose expression uses it), by logical id. */
function alarmsOn(template: Template, metricName: string): [string, Record<string, unknown>][] {
  return Object.entries(resourcesOf(template, ALARM))
    .filter(([, alarm]) => {
      const p = alarm.Properties;
      if (p.MetricName === metricName) return true;
      const metrics = (p.Metrics ?? []) as { MetricStat?: { Metric: { MetricName: string } } }[];
      return metrics.some((m) => m.MetricStat?.Metric.MetricName === metricName);
    })
    .map(([id, alarm]) => [id, alarm.Properties]);
}

describe('Construct: ChatObservability', () => {
  let template: Template;
  let apiId: string;
  let fnIds: Record<FunctionName, string>;

  beforeAll(() => {
    // Prepare / Act: one synth with the default context, shared by the read-only tests.
    template = synth();
    apiId = onlyIdOf(template, 'AWS::ApiGatewayV2::Api');
    fnIds = functionIds(template);
  });

  describe('Dashboard', () => {
    let widgets: Widget[];

    beforeAll(() => {
      widgets = widgetsOf(template);
    });

    it('is named after the stack and the stage, with its name and console URL as outputs', () => {
      // Assess
      const id = onlyIdOf(template, 'AWS::CloudWatch::Dashboard');
      template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
        DashboardName: 'ApigwChat-dev',
      });
      template.hasOutput('DashboardName', { Value: { Ref: id } });
      const url = render(template.findOutputs('DashboardUrl').DashboardUrl?.Value);
      expect(url).toBe(
        `https://console.aws.amazon.com/cloudwatch/home?region={AWS::Region}#dashboards:name={${id}}`,
      );
    });

    it('graphs the stage metrics of AWS/ApiGateway by ApiId and Stage', () => {
      // Assess
      const stage = `ApiId={${apiId}} Stage=dev`;
      expect(linesOf(widgets, 'API: connections and messages')).toEqual([
        `AWS/ApiGateway ConnectCount ${stage} Sum`,
        `AWS/ApiGateway MessageCount ${stage} Sum`,
      ]);
      expect(linesOf(widgets, 'API: errors')).toEqual([
        `AWS/ApiGateway IntegrationError ${stage} Sum`,
        `AWS/ApiGateway ExecutionError ${stage} Sum`,
        `AWS/ApiGateway ClientError ${stage} Sum`,
      ]);
      expect(linesOf(widgets, 'API: integration latency (ms)')).toEqual([
        `AWS/ApiGateway IntegrationLatency ${stage} p50`,
        `AWS/ApiGateway IntegrationLatency ${stage} p99`,
      ]);
    });

    it('graphs Errors, Throttles and Duration p99 of every function', () => {
      // Assess
      const each = (metric: string, stat: string) =>
        FUNCTION_NAMES.map((name) => `AWS/Lambda ${metric} FunctionName={${fnIds[name]}} ${stat}`);
      expect(linesOf(widgets, 'Lambda: errors')).toEqual(each('Errors', 'Sum'));
      expect(linesOf(widgets, 'Lambda: throttles')).toEqual(each('Throttles', 'Sum'));
      expect(linesOf(widgets, 'Lambda: duration p99 (ms)')).toEqual(each('Duration', 'p99'));
    });

    it('graphs the ApigwChat metrics the handlers publish, by service and ErrorCode', () => {
      // Assess
      const chat = (name: string, stat = 'Sum', errorCode = '') =>
        `ApigwChat ${name} ${errorCode}service=apigw-chat ${stat}`;
      expect(linesOf(widgets, 'Chat: connections')).toEqual([
        chat('Connections'),
        chat('ConnectionsRefused'),
        chat('Disconnections'),
      ]);
      expect(linesOf(widgets, 'Chat: messages and deliveries')).toEqual([
        chat('MessagesReceived'),
        chat('Deliveries'),
        chat('DeliveryFailures'),
        chat('GoneCleanups'),
      ]);
      expect(linesOf(widgets, 'Chat: error frames by code')).toEqual(
        ERROR_CODES.map((code) => chat('Errors', 'Sum', `ErrorCode=${code} `)),
      );
      expect(linesOf(widgets, 'Chat: fan-out time (ms)')).toEqual([
        chat('FanoutTime', 'p50'),
        chat('FanoutTime', 'p99'),
      ]);
      expect(linesOf(widgets, 'Authorizer: decisions')).toEqual([
        chat('AuthorizerAllowed'),
        chat('AuthorizerDenied'),
      ]);
    });

    it('shows the state of every alarm', () => {
      // Assess
      const status = widgets.find((w) => w.type === 'alarm') as
        | { properties: { alarms: string[] } }
        | undefined;
      const alarmIds = Object.keys(resourcesOf(template, ALARM));
      expect(
        status?.properties.alarms.map((arn) => arn.replace(/^\{(.+)\.Arn\}$/, '$1')).sort(),
      ).toEqual(alarmIds.sort());
    });
  });

  describe('Alarms', () => {
    it('are an Errors and a Throttles alarm per function, the API errors and the latency alarm', () => {
      // Assess
      template.resourceCountIs(ALARM, FUNCTION_NAMES.length * 2 + 2);
    });

    it.each(
      FUNCTION_NAMES.flatMap(
        (name) =>
          [
            [name, 'Errors', DEFAULT_ALARM_THRESHOLDS.lambdaErrors],
            [name, 'Throttles', DEFAULT_ALARM_THRESHOLDS.lambdaThrottles],
          ] as const,
      ),
    )('%s: %s, Sum over 5 minutes >= %d', (name, metric, threshold) => {
      // Assess
      template.hasResourceProperties(ALARM, {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnIds[name] } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it('API errors: IntegrationError + ExecutionError of the stage, Sum over 5 minutes >= 10', () => {
      // Prepare
      const stageMetric = (name: string) => ({
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApiGateway',
            MetricName: name,
            Dimensions: [
              { Name: 'ApiId', Value: { Ref: apiId } },
              { Name: 'Stage', Value: 'dev' },
            ],
          },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      });

      // Act
      const alarms = alarmsOn(template, 'ExecutionError');

      // Assess
      expect(alarms).toHaveLength(1);
      expect(alarms[0]?.[1]).toMatchObject({
        Threshold: DEFAULT_ALARM_THRESHOLDS.apiErrors,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(alarms[0]?.[1].Metrics).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Expression: 'integrationErrors + executionErrors',
            ReturnData: true,
          }),
          expect.objectContaining({ Id: 'integrationErrors', ...stageMetric('IntegrationError') }),
          expect.objectContaining({ Id: 'executionErrors', ...stageMetric('ExecutionError') }),
        ]),
      );
    });

    it('integration latency: p99 of the stage above 2,000 ms in 2 of 3 periods of 5 minutes', () => {
      // Assess
      template.hasResourceProperties(ALARM, {
        Namespace: 'AWS/ApiGateway',
        MetricName: 'IntegrationLatency',
        Dimensions: [
          { Name: 'ApiId', Value: { Ref: apiId } },
          { Name: 'Stage', Value: 'dev' },
        ],
        ExtendedStatistic: 'p99',
        Period: 300,
        Threshold: DEFAULT_ALARM_THRESHOLDS.integrationLatencyP99Ms,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      });
    });

    it('have no actions and no topic exists without alarmEmail', () => {
      // Assess
      template.resourceCountIs('AWS::SNS::Topic', 0);
      template.resourceCountIs('AWS::KMS::Key', 0);
      for (const alarm of Object.values(resourcesOf(template, ALARM))) {
        expect(alarm.Properties.AlarmActions).toBeUndefined();
        expect(alarm.Properties.OKActions).toBeUndefined();
      }
    });
  });

  describe('Tracing', () => {
    it.each(FUNCTION_NAMES)('%s traces actively and may send traces to X-Ray', (name) => {
      // Prepare
      const fn = resourceOf(template, 'AWS::Lambda::Function', fnIds[name]);

      // Act
      const statements = statementsWithAction(
        statementsOf(template, fnIds[name]),
        'xray:PutTraceSegments',
      );

      // Assess
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(statements).toHaveLength(1);
      expect([statements[0]?.Action].flat().sort()).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      expect(statements[0]?.Resource).toBe('*');
    });
  });

  describe('Context: alarmEmail', () => {
    let withEmail: Template;
    let topicId: string;

    beforeAll(() => {
      withEmail = synth({ alarmEmail: 'ops@example.com' });
      topicId = onlyIdOf(withEmail, 'AWS::SNS::Topic');
    });

    it('subscribes the address to a topic encrypted with its own rotated key', () => {
      // Assess
      const keyId = onlyIdOf(withEmail, 'AWS::KMS::Key');
      withEmail.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: topicId },
      });
      withEmail.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      withEmail.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    });

    it('lets CloudWatch publish and refuses requests without TLS', () => {
      // Assess
      withEmail.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
            }),
          ]),
        },
      });
    });

    it('makes every alarm notify the topic, in alarm and when OK again', () => {
      // Assess
      const alarms = Object.values(resourcesOf(withEmail, ALARM));
      expect(alarms).toHaveLength(FUNCTION_NAMES.length * 2 + 2);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
      }
    });

    it('refuses a value that is not an email address', () => {
      // Act
      const synthesize = () => synth({ alarmEmail: 'ops at example' });

      // Assess
      expect(synthesize).toThrow(InvalidContextError);
      expect(synthesize).toThrow('alarmEmail');
    });
  });
});
