import { setWithin } from '../../../lambdas/core/set-within';

describe('Function: setWithin', () => {
  it('drops the oldest entry when the map is full, and counts a key set again as the newest', () => {
    // Prepare
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);

    // Act
    setWithin(map, 'a', 10, 3);
    setWithin(map, 'd', 4, 3);

    // Assess
    expect([...map]).toEqual([
      ['c', 3],
      ['a', 10],
      ['d', 4],
    ]);
  });
});
