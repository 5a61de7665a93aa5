import { ErrorTally } from '../../../bench/load/error-tally';

describe('Class: ErrorTally', () => {
  describe('Method: errors', () => {
    it('adds the ledger counts to its own and totals them', () => {
      // Prepare
      const tally = new ErrorTally();
      tally.count('errorFrames', 'client 1 got an error');
      tally.count('unexpectedCloses', 'client 2 closed: 1011');
      tally.count('errorFrames', 'client 3 got an error');

      // Act
      const errors = tally.errors({ ackMismatches: 2, mislabelled: 1 });

      // Assess
      expect(errors).toEqual({
        errorFrames: 2,
        errorAcks: 0,
        failedRequests: 0,
        unexpectedFrames: 0,
        unexpectedCloses: 1,
        ackMismatches: 2,
        mislabelled: 1,
        total: 6,
      });
      expect(tally.examples).toEqual([
        'client 1 got an error',
        'client 2 closed: 1011',
        'client 3 got an error',
      ]);
    });

    it('is zero when nothing went wrong', () => {
      expect(new ErrorTally().errors({ ackMismatches: 0, mislabelled: 0 }).total).toBe(0);
    });
  });

  describe('Method: count', () => {
    it('keeps only the first 10 examples', () => {
      // Prepare
      const tally = new ErrorTally();

      // Act
      for (let n = 0; n < 15; n += 1) tally.count('failedRequests', `request ${n}`);

      // Assess
      expect(tally.examples).toHaveLength(10);
      expect(tally.errors({ ackMismatches: 0, mislabelled: 0 }).failedRequests).toBe(15);
    });
  });
});
