import type { Tracer } from '@aws-lambda-powertools/tracer';

/** The parts of Powertools' `Tracer` an invocation's subsegment needs. */
export type InvocationTracer = Pick<
  Tracer,
  | 'isTracingEnabled'
  | 'getSegment'
  | 'setSegment'
  | 'annotateColdStart'
  | 'addServiceNameAnnotation'
  | 'putAnnotation'
  | 'addErrorAsMetadata'
>;

/**
 * Runs one invocation in a `## <name>` subsegment of Lambda's segment (which cannot be
 * annotated itself), annotated with `ColdStart`, `Service` and `annotations`; an error is
 * recorded on the subsegment and rethrown. AWS SDK calls of clients wrapped with
 * `tracer.captureAWSv3Client` nest under it. With tracing off (outside Lambda, or
 * `POWERTOOLS_TRACE_ENABLED=false`) it only runs `invoke`.
 *
 * @example
 * return traceInvocation(tracer, 'message', { route: '$default' }, () => server.handleMessage(input));
 */
export async function traceInvocation<T>(
  tracer: InvocationTracer,
  name: string,
  annotations: Readonly<Record<string, string>>,
  invoke: () => Promise<T>,
): Promise<T> {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (parent === undefined) return invoke();
  const subsegment = parent.addNewSubsegment(`## ${name}`);
  tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  for (const [key, value] of Object.entries(annotations)) tracer.putAnnotation(key, value);
  try {
    return await invoke();
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}
