/** One CloudWatch EMF document as Powertools Metrics writes it. */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: {
      readonly Namespace: string;
      readonly Dimensions: string[][];
      readonly Metrics: { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

/**
 * Captures what Powertools Metrics writes: EMF lines go to `process.stdout` through its own
 * console, warnings to `process.stderr`. EMF is only written when `POWERTOOLS_METRICS_DISABLED`
 * is `false` at the time the `Metrics` is created (the test setup sets it to `true`).
 *
 * @example
 * const output = captureEmf();
 * metrics.publish();
 * expect(output.documents()[0]).toMatchObject({ Connections: 1 });
 * output.restore();
 */
export function captureEmf() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  return {
    /** Every EMF document written so far, parsed. */
    documents: (): EmfDocument[] => stdout.map((line) => JSON.parse(line) as EmfDocument),
    /** The value of one metric summed over every document that has it. */
    total: (name: string): number =>
      stdout
        .map((line) => JSON.parse(line) as EmfDocument)
        .flatMap((doc) => [doc[name]].flat())
        .reduce<number>((sum, value) => sum + (typeof value === 'number' ? value : 0), 0),
    stderr,
    restore(): void {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

/** `{ metric name: unit }` of one EMF document. */
export function unitsOf(doc: EmfDocument): Record<string, string> {
  return Object.fromEntries(
    doc._aws.CloudWatchMetrics[0]?.Metrics.map((metric) => [metric.Name, metric.Unit]) ?? [],
  );
}

/** Turns EMF on for the `Metrics` created until `restore()` (the test setup turns it off). */
export function withEmfEnabled(): { restore(): void } {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  return {
    restore() {
      process.env.POWERTOOLS_METRICS_DISABLED = saved;
    },
  };
}
