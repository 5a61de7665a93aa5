import { expectedRecipients } from '../../../bench/cost/cost-suite';
import { CountingDeferredDelivery, CountingDelivery } from '../../../bench/cost/counting-ports';
import { median } from '../../../bench/median';

describe('Class: CountingDelivery', () => {
  it('counts posts and their message units, then resets', async () => {
    // Prepare
    const delivery = new CountingDelivery();

    // Act
    const results = [await delivery.post('a', '{}'), await delivery.post('b', 'x'.repeat(40_000))];

    // Assess
    expect(results).toEqual(['delivered', 'delivered']);
    expect(delivery.take()).toEqual({ posts: 2, messageUnits: 3 });
    expect(delivery.take()).toEqual({ posts: 0, messageUnits: 0 });
  });
});

describe('Class: CountingDeferredDelivery', () => {
  it('counts one invocation per hand-off and one post per frame', async () => {
    // Prepare
    const deferred = new CountingDeferredDelivery();

    // Act
    await deferred.deliverAfterConnect('a', ['{}', '{}']);

    // Assess
    expect(deferred.take()).toEqual({ invocations: 1, posts: 2, messageUnits: 2 });
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
