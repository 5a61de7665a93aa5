import type { StoredMessage } from './types';

/**
 * How long after a seq was handed out its message may still be on its way to the log: the
 * counter is incremented, then the message written, by one invocation (10 s Lambda timeout
 * for the functions that emit). A missing seq older than this is gone for good.
 */
export const IN_FLIGHT_GRACE_MS = 60_000;

/** What `isTrimmed` looks at, from one history read. */
export interface TrimInput {
  /** The `since` asked for, or where the page started (`before`) when none was. */
  readonly after: number;
  readonly head: number;
  readonly maxLength: number;
  /** The first message returned, if any. */
  readonly first: StoredMessage | undefined;
  /** Epoch ms of the room's latest counter increment (0 when unknown). */
  readonly lastAppendAt: number;
  /** Epoch ms now. */
  readonly now: number;
}

/**
 * Whether the seqs missing between `after` and the first returned message (or `head`) are
 * gone for good: beyond `maxLength`, or handed out long enough ago that their write has ended
 * (expired by TTL, or failed). A seq handed out moments ago may still be being written: it is
 * not reported, so a client waits for it instead of giving it up.
 *
 * @example
 * isTrimmed({ after: 4, head: 9, maxLength: 1000, first: { seq: 6, at: Date.now(), event: 'chat', data: 1 }, lastAppendAt: Date.now(), now: Date.now() }); // false
 */
export function isTrimmed(input: TrimInput): boolean {
  const { after, head, maxLength, first, lastAppendAt, now } = input;
  const firstMissing = after + 1;
  const lastMissing = first === undefined ? head : first.seq - 1;
  if (lastMissing < firstMissing) return false;
  const lengthCut = head - maxLength;
  if (lastMissing <= lengthCut) return true;
  // A seq below `first` was handed out before `first`'s, which came right after `first.at`.
  const settledAt = first === undefined ? lastAppendAt : first.at;
  return now - settledAt > IN_FLIGHT_GRACE_MS;
}
