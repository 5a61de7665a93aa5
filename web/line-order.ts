/** What decides where a log line goes: its room seq, if any, and whether it is pending. */
export interface LinePlace {
  readonly seq: number | undefined;
  readonly pending: boolean;
}

/**
 * Where a new line goes among `lines`: room messages in `seq` order, and one's own pending
 * messages always last. A line with `seq` goes before the first line with a higher seq or the
 * first pending line; one without goes before the first pending line; else at the end.
 *
 * @example
 * insertionIndex([{ seq: 1, pending: false }, { seq: 3, pending: false }], 2); // 1
 * insertionIndex([{ seq: 1, pending: false }, { seq: undefined, pending: true }], undefined); // 1
 */
export function insertionIndex(lines: readonly LinePlace[], seq: number | undefined): number {
  const index = lines.findIndex(
    (line) => line.pending || (seq !== undefined && line.seq !== undefined && line.seq > seq),
  );
  return index === -1 ? lines.length : index;
}
