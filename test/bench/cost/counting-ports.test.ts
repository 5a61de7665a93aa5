import { expectedRecipients } from '../../../bench/cost/cost-suite';
import { CountingAfterConnectDispatcher, CountingPoster } from '../../../bench/cost/counting-ports';
import { median } from '../../../bench/median';

describe('Class: CountingPoster', () => {
  it('counts posts, their message units and distinct frames, then resets', async () => {
    // Prepare
    const poster = new CountingPoster();

    // Act
    const results = [
      await poster.post('a', '{}'),
      await poster.post('b', 'x'.repeat(40_000)),
      await poster.post('c', '{}'),
    ];

    // Assess
    expect(results).toEqual(['delivered', 'delivered', 'delivered']);
    expect(poster.take()).toEqual({ posts: 3, messageUnits: 4, frames: 2 });
    expect(poster.take()).toEqual({ posts: 0, messageUnits: 0, frames: 0 });
  });
});

describe('Class: CountingAfterConnectDispatcher', () => {
  it('counts one invocation per hand-off and one post per frame', async () => {
    // Prepare
    const afterConnect = new CountingAfterConnectDispatcher();

    // Act
    await afterConnect.dispatch('a', ['{}', '{}']);

    // Assess
    expect(afterConnect.take()).toEqual({ invocations: 1, posts: 2, messageUnits: 2 });
  });
});

describe('Function: expectedRecipients', () => {
  it('is everyone but the sender, and the room’s other members for presence', () => {
    expect(expectedRecipients('room message', 10, 1_000)).toBe(9);
    expect(expectedRecipients('namespace broadcast', 10, 1_000)).toBe(1_009);
    expect(expectedRecipients('direct message', 10, 1_000)).toBe(1);
    expect(expectedRecipients('join', 10, 1_000)).toBe(9);
    expect(expectedRecipients('disconnect', 10, 1_000)).toBe(9);
    expect(expectedRecipients('connect', 10, 1_000)).toBe(0);
  });
});

describe('Function: median', () => {
  it('takes the middle sample, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
