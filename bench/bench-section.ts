/**
 * One section of BENCHMARKS.md, produced by one suite. Every suite (cost, cold start, and
 * later fan-out or end-to-end) returns one, so `bench/run.ts` can write its JSON to
 * `bench/results/<id>.json` and its Markdown to BENCHMARKS.md the same way.
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
