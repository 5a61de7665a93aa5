import { Adapter } from '../../../lambdas/core/adapter';
import { BroadcastOperator } from '../../../lambdas/core/broadcast-operator';
import { historySettings } from '../../../lambdas/core/history-settings';
import { InMemoryMembershipStore } from '../../../lambdas/core/in-memory-membership-store';
import { InMemoryPoster } from '../../../lambdas/core/in-memory-poster';

describe('Class: BroadcastOperator', () => {
  const makeAdapter = () =>
    new Adapter({ store: new InMemoryMembershipStore(), poster: new InMemoryPoster() });

  describe('Method: to / except', () => {
    it('returns new operators and leaves the parent untouched', async () => {
      // Prepare
      const adapter = makeAdapter();
      const broadcast = jest.spyOn(adapter, 'broadcast');
      const parent = new BroadcastOperator(adapter, { ns: '/' });

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
      await new BroadcastOperator(adapter, { ns: '/x' })
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
      await new BroadcastOperator(adapter, {
        ns: '/',
        rooms: new Set(['r']),
        from: 'C00000000000001=',
      }).emit('chat', { t: 1 });

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

  describe('Getter: volatile', () => {
    it('drops the history settings so the emit is neither stored nor numbered', async () => {
      // Prepare
      const adapter = makeAdapter();
      const broadcast = jest.spyOn(adapter, 'broadcast');
      const history = historySettings({});
      const durable = new BroadcastOperator(adapter, { ns: '/', history }).to('r');

      // Act
      await durable.emit('chat', 1).catch(() => undefined);
      await durable.volatile.emit('typing', 2);

      // Assess
      expect(broadcast.mock.calls[0]?.[1]).toEqual({
        ns: '/',
        rooms: new Set(['r']),
        except: new Set(),
        history,
      });
      expect(broadcast.mock.calls[1]?.[1]).toEqual({
        ns: '/',
        rooms: new Set(['r']),
        except: new Set(),
      });
    });
  });
});
