import { Adapter } from '../../../lambdas/core/adapter';
import { BroadcastOperator } from '../../../lambdas/core/broadcast-operator';
import { InMemoryDelivery } from '../../../lambdas/core/in-memory-delivery';
import { InMemoryMembershipStore } from '../../../lambdas/core/in-memory-membership-store';

describe('Class: BroadcastOperator', () => {
  const makeAdapter = () =>
    new Adapter({ store: new InMemoryMembershipStore(), delivery: new InMemoryDelivery() });

  describe('Method: to / except', () => {
    it('returns new operators and leaves the parent untouched', async () => {
      // Prepare
      const adapter = makeAdapter();
      const broadcast = jest.spyOn(adapter, 'broadcast');
      const parent = new BroadcastOperator(adapter, '/');

      // Act
      const child = parent.to('a').except('b');
      await parent.emit('e', 1);
      await child.emit('e', 2);

      // Assess
      expect(child).not.toBe(parent);
      expect(broadcast.mock.calls[0]?.[1]).toEqual({
        ns: '/',
        rooms: new Set(),
        except: new Set(),
      });
      expect(broadcast.mock.calls[1]?.[1]).toEqual({
        ns: '/',
        rooms: new Set(['a']),
        except: new Set(['b']),
      });
    });

    it('accumulates rooms given one by one or as a list', async () => {
      // Prepare
      const adapter = makeAdapter();
      const broadcast = jest.spyOn(adapter, 'broadcast');

      // Act
      await new BroadcastOperator(adapter, '/x')
        .to('a')
        .in(['b', 'c'])
        .except(['d'])
        .except('e')
        .emit('e');

      // Assess
      expect(broadcast.mock.calls[0]?.[1]).toEqual({
        ns: '/x',
        rooms: new Set(['a', 'b', 'c']),
        except: new Set(['d', 'e']),
      });
    });
  });

  describe('Method: emit', () => {
    it('ends in exactly one adapter call carrying the packet and sender', async () => {
      // Prepare
      const adapter = makeAdapter();
      const broadcast = jest.spyOn(adapter, 'broadcast');
      const send = jest.spyOn(adapter, 'send');

      // Act
      await new BroadcastOperator(adapter, '/', new Set(['r']), new Set(), 'C00000000000001=').emit(
        'chat',
        { t: 1 },
      );

      // Assess
      expect(broadcast).toHaveBeenCalledTimes(1);
      expect(send).not.toHaveBeenCalled();
      expect(broadcast.mock.calls[0]?.[0]).toEqual({
        event: 'chat',
        data: { t: 1 },
        from: 'C00000000000001=',
      });
    });
  });
});
