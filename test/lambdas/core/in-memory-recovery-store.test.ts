import { InMemoryRecoveryStore } from '../../../lambdas/core/in-memory-recovery-store';
import { describeRecoveryStoreContract } from '../../support/recovery-store-contract';

describeRecoveryStoreContract('InMemoryRecoveryStore', () => new InMemoryRecoveryStore());

describe('InMemoryRecoveryStore: bounds', () => {
  it('remembers at most 10,000 sockets that left, forgetting the oldest (the first to expire) first', async () => {
    // Prepare
    const store = new InMemoryRecoveryStore();
    const now = Date.now();
    const future = Math.floor(now / 1000) + 120;
    await store.markLeft('expired', Math.floor(now / 1000) - 1);
    for (let i = 1; i < 10_000; i++) await store.markLeft(`socket-${i}`, future);

    // Act
    await store.markLeft('newest', future);
    await store.markLeft('newer still', future);

    // Assess
    expect(await store.hasLeft('newest', now)).toBe(true);
    expect(await store.hasLeft('newer still', now)).toBe(true);
    expect(await store.hasLeft('socket-1', now)).toBe(false);
    expect(await store.hasLeft('socket-2', now)).toBe(true);
  });
});
