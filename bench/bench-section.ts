/** Writes one progress line (the CLIs send it to stderr). */
export type Log = (line: string) => void;

/**
 * One section of BENCHMARKS.md, produced by one suite. Every suite returns one, so
 * `bench/run.ts` can write its JSON to `bench/results/<id>.json` and its Markdown to
 * BENCHMARKS.md the same way.
 *
 * @example
 * const section: BenchSection = { id: 'cost', title: 'Cost per operation', command: 'npm run bench', markdown: '| … |', data: { rows } };
 */
export interface BenchSection {
  /** File name of the JSON result (`bench/results/<id>.json`) and the section's anchor. */
  readonly id: string;
  readonly title: string;
  /** The exact command that produced the figures. */
  readonly command: string;
  /** The section's body (tables and notes), without its heading. */
  readonly markdown: string;
  /** Everything the tables were made from, written as JSON. */
  readonly data: unknown;
}

/**
 * A suite of `npm run bench`: its plans for quick and `--full` runs, what it measures and how
 * its section reads. Register it in `bench/run.ts`.
 *
 * @example
 * const section = await runSuite(FANOUT_SUITE, FANOUT_SUITE.plans.quick, 'npm run bench', console.error);
 */
export interface BenchSuite<Plan, Results> {
  readonly id: string;
  readonly title: string;
  readonly plans: { readonly quick: Plan; readonly full: Plan };
  /** Runs the measurements; everything the section shows comes from its result. */
  measure(plan: Plan, log: Log): Promise<Results>;
  /** The section's body from the results. */
  markdown(results: Results): string;
}

/** Measures `plan` with `suite` and returns its section; `data` is the measured results. */
export async function runSuite<Plan, Results>(
  suite: BenchSuite<Plan, Results>,
  plan: Plan,
  command: string,
  log: Log,
): Promise<BenchSection> {
  const results = await suite.measure(plan, log);
  return {
    id: suite.id,
    title: suite.title,
    command,
    markdown: suite.markdown(results),
    data: results,
  };
}
