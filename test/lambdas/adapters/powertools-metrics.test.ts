import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  createPowertoolsMetrics,
  PowertoolsChatMetrics,
  publishStoredMetrics,
} from '../../../lambdas/adapters/powertools-metrics';
import { captureEmf, unitsOf, withEmfEnabled } from '../../support/emf-output';

describe('Class: PowertoolsChatMetrics', () => {
  let emf: ReturnType<typeof withEmfEnabled>;
  let output: ReturnType<typeof captureEmf>;

  beforeEach(() => {
    emf = withEmfEnabled();
    output = captureEmf();
  });

  afterEach(() => {
    output.restore();
    emf.restore();
  });

  it('publishes the counts of an invocation, summed, as one EMF line in ApigwChat with service=apigw-chat', () => {
    // Prepare
    const metrics = new PowertoolsChatMetrics();
    metrics.count('Connections');
    metrics.count('Deliveries', 3);
    metrics.count('Deliveries', 2);
    metrics.count('GoneCleanups', 1);

    // Act
    metrics.publish();

    // Assess
    const [doc, ...others] = output.documents();
    expect(others).toEqual([]);
    expect(doc?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'ApigwChat',
        Dimensions: [['service']],
        Metrics: expect.any(Array),
      },
    ]);
    expect(doc && unitsOf(doc)).toEqual({
      Connections: 'Count',
      Deliveries: 'Count',
      GoneCleanups: 'Count',
    });
    expect(doc).toMatchObject({
      service: 'apigw-chat',
      Connections: 1,
      Deliveries: 5,
      GoneCleanups: 1,
    });
  });

  it('publishes a count with a dimension on its own line, and the dimension on no other metric', () => {
    // Prepare
    const metrics = new PowertoolsChatMetrics();
    metrics.count('MessagesReceived', 2);
    metrics.count('Errors', 1, { ErrorCode: 'FORBIDDEN' });
    metrics.count('Errors', 1, { ErrorCode: 'FORBIDDEN' });
    metrics.count('Errors', 1, { ErrorCode: 'RATE_LIMITED' });

    // Act
    metrics.publish();

    // Assess
    const docs = output.documents();
    const errors = docs.filter((doc) => 'Errors' in doc);
    const plain = docs.filter((doc) => !('Errors' in doc));
    expect(errors.map((doc) => [doc.ErrorCode, doc.Errors])).toEqual([
      ['FORBIDDEN', 2],
      ['RATE_LIMITED', 1],
    ]);
    for (const doc of errors) {
      expect(doc._aws.CloudWatchMetrics[0]?.Namespace).toBe('ApigwChat');
      expect(doc._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'ErrorCode']]);
      expect(unitsOf(doc)).toEqual({ Errors: 'Count' });
      expect(doc.service).toBe('apigw-chat');
      expect(doc.MessagesReceived).toBeUndefined();
    }
    expect(plain).toHaveLength(1);
    expect(plain[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(plain[0]).toMatchObject({ MessagesReceived: 2 });
    expect(plain[0]?.ErrorCode).toBeUndefined();
  });

  it('publishes FanoutTime in Milliseconds, one value per emit', () => {
    // Prepare
    const metrics = new PowertoolsChatMetrics();
    metrics.milliseconds('FanoutTime', 12);
    metrics.milliseconds('FanoutTime', 40);

    // Act
    metrics.publish();

    // Assess
    const [doc] = output.documents();
    expect(doc && unitsOf(doc)).toEqual({ FanoutTime: 'Milliseconds' });
    expect(doc?.FanoutTime).toEqual([12, 40]);
  });

  it('writes nothing, not even a warning, when nothing was recorded, and forgets what it published', () => {
    // Prepare
    const metrics = new PowertoolsChatMetrics();
    metrics.count('Connections');
    metrics.publish();
    const published = output.documents().length;

    // Act
    metrics.publish();

    // Assess
    expect(published).toBe(1);
    expect(output.documents()).toHaveLength(1);
    expect(output.stderr).toEqual([]);
  });

  it('publishes through an injected Metrics', () => {
    // Prepare
    const injected = new Metrics({ namespace: 'Other', serviceName: 'svc' });
    const publish = jest.spyOn(injected, 'publishStoredMetrics');
    const metrics = new PowertoolsChatMetrics({ metrics: injected });
    metrics.count('Disconnections');

    // Act
    metrics.publish();

    // Assess
    expect(publish).toHaveBeenCalledTimes(1);
    expect(output.documents()[0]?._aws.CloudWatchMetrics[0]?.Namespace).toBe('Other');
  });
});

describe('Function: publishStoredMetrics', () => {
  it('publishes only when something is stored', () => {
    // Prepare
    const metrics = createPowertoolsMetrics();
    const publish = jest.spyOn(metrics, 'publishStoredMetrics');

    // Act
    publishStoredMetrics(metrics);

    // Assess
    expect(publish).not.toHaveBeenCalled();
  });
});
