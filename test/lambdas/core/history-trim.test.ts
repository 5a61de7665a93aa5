import { IN_FLIGHT_GRACE_MS, isTrimmed } from '../../../lambdas/core/history-trim';
import type { StoredMessage } from '../../../lambdas/core/types';

const NOW = 1_800_000_000_000;
const message = (seq: number, at: number): StoredMessage => ({ seq, event: 'chat', data: seq, at });
const base = { head: 10, maxLength: 1_000, lastAppendAt: NOW, now: NOW };

describe('Function: isTrimmed', () => {
  it('is false when nothing is missing after `after`', () => {
    expect(isTrimmed({ ...base, after: 4, first: message(5, NOW - 3_600_000) })).toBe(false);
    expect(isTrimmed({ ...base, after: 10, first: undefined })).toBe(false);
  });

  it('is false for seqs missing before a message handed out moments ago: they may be in flight', () => {
    expect(isTrimmed({ ...base, after: 4, first: message(6, NOW - 1_000) })).toBe(false);
    expect(isTrimmed({ ...base, after: 4, first: undefined, lastAppendAt: NOW - 1_000 })).toBe(
      false,
    );
  });

  it('is true once the grace has passed: their writes have ended (expired or failed)', () => {
    const old = NOW - IN_FLIGHT_GRACE_MS - 1;
    expect(isTrimmed({ ...base, after: 4, first: message(6, old) })).toBe(true);
    expect(isTrimmed({ ...base, after: 4, first: undefined, lastAppendAt: old })).toBe(true);
  });

  it('is true at once for seqs beyond maxLength', () => {
    expect(
      isTrimmed({ ...base, head: 100, maxLength: 10, after: 0, first: message(91, NOW) }),
    ).toBe(true);
  });
});
