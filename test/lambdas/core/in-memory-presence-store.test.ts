import { InMemoryPresenceStore } from '../../../lambdas/core/in-memory-presence-store';
import { describePresenceStoreContract } from '../../support/presence-store-contract';

describePresenceStoreContract(
  'InMemoryPresenceStore',
  ({ now }) => new InMemoryPresenceStore({ now }),
);

describe('Class: InMemoryPresenceStore', () => {
  describe('Method: list', () => {
    it('returns copies that callers cannot use to change the store', async () => {
      // Prepare
      const store = new InMemoryPresenceStore();
      const expiresAt = Math.floor(Date.now() / 1000) + 60;
      await store.enter('/', 'lobby', { id: 'ada', name: 'Ada' }, 'R1kmxc2VNjMCFIA=', expiresAt);
      const [member] = await store.list('/', 'lobby');

      // Act
      (member?.user as { name: string }).name = 'Mallory';

      // Assess
      expect(await store.list('/', 'lobby')).toEqual([
        { user: { id: 'ada', name: 'Ada' }, connections: 1 },
      ]);
    });
  });
});
