import { InMemoryUserLimitStore } from '../../../lambdas/core/in-memory-user-limit-store';
import { describeUserLimitStoreContract } from '../../support/user-limit-store-contract';

describeUserLimitStoreContract('InMemoryUserLimitStore', () => new InMemoryUserLimitStore());

describe('Class: InMemoryUserLimitStore', () => {
  it('forgets counters and claims once they expire', async () => {
    // Prepare
    let now = 1_700_000_000_000;
    const store = new InMemoryUserLimitStore({ now: () => now });
    const expiresAt = now / 1000 + 60;
    const charge = {
      key: 'alice',
      window: 0,
      slice: 0,
      messageLimit: 1,
      reserve: 0,
      deliveryLimit: undefined,
      expiresAt,
    };
    await store.chargeFrame(charge);
    await store.claim('greeting', 0, expiresAt);

    // Act
    now += 61_000;

    // Assess
    expect(await store.chargeFrame(charge)).toBeUndefined();
    expect(await store.claim('greeting', 0, expiresAt + 60)).toBe(true);
  });
});
