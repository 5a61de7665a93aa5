/** Errors of a run other than lost, duplicated and misdelivered messages. */
export interface LoadErrors {
  /** `error` events received. */
  readonly errorFrames: number;
  /** Acks that came back with `error`. */
  readonly errorAcks: number;
  /** Requests with no ack in time, or cut off by a closing socket. */
  readonly failedRequests: number;
  /** Frames that are neither a chat event nor the reply to a pending ack. */
  readonly unexpectedFrames: number;
  /** Sockets the server closed during the run. */
  readonly unexpectedCloses: number;
  /** Acks whose `recipients` is not the room size - 1 (from the ledger). */
  readonly ackMismatches: number;
  /** Deliveries whose `room` or `from` is not the sender's (from the ledger). */
  readonly mislabelled: number;
  readonly total: number;
}

/** The kinds the run counts itself; the ledger counts the others. */
export type ErrorKind = Exclude<keyof LoadErrors, 'total' | 'ackMismatches' | 'mislabelled'>;

const MAX_EXAMPLES = 10;

/**
 * Counts a run's errors by kind and keeps the first few as examples.
 *
 * @example
 * const tally = new ErrorTally();
 * tally.count('errorFrames', `client 3 got {"event":"error",...}`);
 * tally.errors({ ackMismatches: 0, mislabelled: 0 }).total; // 1
 */
export class ErrorTally {
  readonly examples: string[] = [];
  private readonly counts: Record<ErrorKind, number> = {
    errorFrames: 0,
    errorAcks: 0,
    failedRequests: 0,
    unexpectedFrames: 0,
    unexpectedCloses: 0,
  };

  count(kind: ErrorKind, example: string): void {
    this.counts[kind] += 1;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(example);
  }

  /** Every count, the ledger's included, and their total. */
  errors(fromLedger: Pick<LoadErrors, 'ackMismatches' | 'mislabelled'>): LoadErrors {
    const counts = {
      ...this.counts,
      ackMismatches: fromLedger.ackMismatches,
      mislabelled: fromLedger.mislabelled,
    };
    return { ...counts, total: Object.values(counts).reduce((sum, count) => sum + count, 0) };
  }
}
