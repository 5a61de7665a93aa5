import { Tracer } from '@aws-lambda-powertools/tracer';
import { Segment } from 'aws-xray-sdk-core';
import { type InvocationTracer, traceInvocation } from '../../../lambdas/adapters/trace-invocation';

/** A tracer that is on, over a real X-Ray segment, recording what it is asked to do. */
function recordingTracer() {
  const facade = new Segment('facade');
  let current: unknown = facade;
  const annotations: Record<string, unknown> = {};
  const errors: unknown[] = [];
  const tracer: InvocationTracer = {
    isTracingEnabled: () => true,
    getSegment: () => current as Segment,
    setSegment: (segment) => {
      current = segment;
    },
    annotateColdStart: () => {
      annotations.ColdStart = true;
    },
    addServiceNameAnnotation: () => {
      annotations.Service = 'apigw-chat';
    },
    putAnnotation: (key, value) => {
      annotations[key] = value;
    },
    addErrorAsMetadata: (error) => {
      errors.push(error);
    },
  };
  return { tracer, facade, annotations, errors, current: () => current };
}

describe('Function: traceInvocation', () => {
  it('runs the invocation in an annotated ## subsegment, closed afterwards', async () => {
    // Prepare
    const { tracer, facade, annotations, current } = recordingTracer();
    let during: unknown;

    // Act
    const result = await traceInvocation(tracer, 'message', { route: '$default' }, async () => {
      during = current();
      return 'ok';
    });

    // Assess
    expect(result).toBe('ok');
    const [subsegment] = facade.subsegments ?? [];
    expect(subsegment?.name).toBe('## message');
    expect(during).toBe(subsegment);
    expect(subsegment?.isClosed()).toBe(true);
    expect(current()).toBe(facade);
    expect(annotations).toEqual({ ColdStart: true, Service: 'apigw-chat', route: '$default' });
  });

  it('records an error on the subsegment and rethrows it', async () => {
    // Prepare
    const { tracer, facade, errors, current } = recordingTracer();
    const failure = new Error('store down');

    // Act
    const running = traceInvocation(tracer, 'connect', {}, () => Promise.reject(failure));

    // Assess
    await expect(running).rejects.toBe(failure);
    expect(errors).toEqual([failure]);
    expect(facade.subsegments?.[0]?.isClosed()).toBe(true);
    expect(current()).toBe(facade);
  });

  it('only runs the invocation when tracing is off', async () => {
    // Prepare
    const tracer = new Tracer({ enabled: false });
    const getSegment = jest.spyOn(tracer, 'getSegment');

    // Act
    const result = await traceInvocation(tracer, 'worker', { kind: 'shard' }, async () => 42);

    // Assess
    expect(result).toBe(42);
    expect(getSegment).not.toHaveBeenCalled();
  });
});
