import { InMemoryMembershipStore } from '../../../lambdas/core/in-memory-membership-store';
import {
  aConnection,
  describeMembershipStoreContract,
} from '../../support/membership-store-contract';

describeMembershipStoreContract('InMemoryMembershipStore', () => new InMemoryMembershipStore());

describe('Class: InMemoryMembershipStore', () => {
  describe('Method: getConnection', () => {
    it('returns a copy that callers cannot use to change the store', async () => {
      // Prepare
      const store = new InMemoryMembershipStore();
      const record = aConnection({ data: { user: 'ada' } });
      await store.addConnection(record);
      const copy = await store.getConnection(record.id);
      if (copy === undefined) throw new Error('connection missing');

      // Act
      copy.data.user = 'mallory';
      (copy.rooms as string[]).push('sneaky');

      // Assess
      expect(await store.getConnection(record.id)).toEqual(record);
    });
  });

  describe('Method: members', () => {
    it('lists ids in sort-key order, as a DynamoDB Query does', async () => {
      // Prepare
      const store = new InMemoryMembershipStore();
      const [b, a] = [
        aConnection({ id: 'bbbbbbbbbbbbbbb=' }),
        aConnection({ id: 'aaaaaaaaaaaaaaa=' }),
      ];
      await store.addConnection(b);
      await store.addConnection(a);

      // Act
      const ids = await store.members('/');

      // Assess
      expect(ids).toEqual(['aaaaaaaaaaaaaaa=', 'bbbbbbbbbbbbbbb=']);
    });
  });
});
