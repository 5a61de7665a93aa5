import { RecentIds } from '../../client/recent-ids';

describe('Class: RecentIds', () => {
  it('says true the first time only, and forgets the oldest past its capacity', () => {
    const seen = new RecentIds(2);
    expect(seen.firstTime('a')).toBe(true);
    expect(seen.firstTime('a')).toBe(false);
    expect(seen.firstTime('b')).toBe(true);
    expect(seen.firstTime('c')).toBe(true);
    expect(seen.firstTime('b')).toBe(false);
    expect(seen.firstTime('a')).toBe(true);
  });
});
