import { InMemoryDelivery } from '../../../lambdas/core/in-memory-delivery';

describe('Class: InMemoryDelivery', () => {
  describe('Method: post', () => {
    it('records frames per connection, in order, parsed and raw', async () => {
      // Prepare
      const delivery = new InMemoryDelivery();

      // Act
      const first = await delivery.post('a', '{"event":"one"}');
      await delivery.post('b', 'not json');
      await delivery.post('a', '{"event":"two"}');

      // Assess
      expect(first).toBe('delivered');
      expect(delivery.framesFor('a')).toEqual([{ event: 'one' }, { event: 'two' }]);
      expect(delivery.rawFramesFor('a')).toEqual(['{"event":"one"}', '{"event":"two"}']);
      expect(delivery.framesFor('b')).toEqual(['not json']);
      expect(delivery.framesFor('c')).toEqual([]);
      expect(delivery.recipients()).toEqual(['a', 'b']);
    });

    it('answers gone for a connection marked gone and records nothing for it', async () => {
      // Prepare
      const delivery = new InMemoryDelivery();
      delivery.markGone('stale');

      // Act
      const result = await delivery.post('stale', '{}');

      // Assess
      expect(result).toBe('gone');
      expect(delivery.framesFor('stale')).toEqual([]);
    });

    it('rejects with the given error for a failing connection', async () => {
      // Prepare
      const delivery = new InMemoryDelivery();
      const error = new Error('throttled');
      delivery.failWith('busy', error);

      // Act
      const posting = delivery.post('busy', '{}');

      // Assess
      await expect(posting).rejects.toBe(error);
      expect(delivery.framesFor('busy')).toEqual([]);
    });

    it('counts every post, delivered, gone or failed', async () => {
      // Prepare
      const delivery = new InMemoryDelivery();
      delivery.markGone('stale');
      delivery.failWith('busy', new Error('throttled'));

      // Act
      await delivery.post('a', '{}');
      await delivery.post('stale', '{}');
      await delivery.post('busy', '{}').catch(() => undefined);

      // Assess
      expect(delivery.postCount).toBe(3);
    });
  });

  describe('Method: clearFrames', () => {
    it('forgets frames and the count but keeps gone marks', async () => {
      // Prepare
      const delivery = new InMemoryDelivery();
      delivery.markGone('stale');
      await delivery.post('a', '{}');

      // Act
      delivery.clearFrames();

      // Assess
      expect(delivery.framesFor('a')).toEqual([]);
      expect(delivery.postCount).toBe(0);
      expect(await delivery.post('stale', '{}')).toBe('gone');
    });
  });
});
