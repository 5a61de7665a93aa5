import { InMemoryPoster } from '../../../lambdas/core/in-memory-poster';

describe('Class: InMemoryPoster', () => {
  describe('Method: post', () => {
    it('records frames per connection, in order, parsed and raw', async () => {
      // Prepare
      const poster = new InMemoryPoster();

      // Act
      const first = await poster.post('a', '{"event":"one"}');
      await poster.post('b', 'not json');
      await poster.post('a', '{"event":"two"}');

      // Assess
      expect(first).toBe('delivered');
      expect(poster.framesFor('a')).toEqual([{ event: 'one' }, { event: 'two' }]);
      expect(poster.rawFramesFor('a')).toEqual(['{"event":"one"}', '{"event":"two"}']);
      expect(poster.framesFor('b')).toEqual(['not json']);
      expect(poster.framesFor('c')).toEqual([]);
      expect(poster.recipients()).toEqual(['a', 'b']);
    });

    it('answers gone for a connection marked gone and records nothing for it', async () => {
      // Prepare
      const poster = new InMemoryPoster();
      poster.markGone('stale');

      // Act
      const result = await poster.post('stale', '{}');

      // Assess
      expect(result).toBe('gone');
      expect(poster.framesFor('stale')).toEqual([]);
    });

    it('rejects with the given error for a failing connection', async () => {
      // Prepare
      const poster = new InMemoryPoster();
      const error = new Error('throttled');
      poster.failWith('busy', error);

      // Act
      const posting = poster.post('busy', '{}');

      // Assess
      await expect(posting).rejects.toBe(error);
      expect(poster.framesFor('busy')).toEqual([]);
    });

    it('counts every post, delivered, gone or failed', async () => {
      // Prepare
      const poster = new InMemoryPoster();
      poster.markGone('stale');
      poster.failWith('busy', new Error('throttled'));

      // Act
      await poster.post('a', '{}');
      await poster.post('stale', '{}');
      await poster.post('busy', '{}').catch(() => undefined);

      // Assess
      expect(poster.postCount).toBe(3);
    });
  });

  describe('Method: clearFrames', () => {
    it('forgets frames and the count but keeps gone marks', async () => {
      // Prepare
      const poster = new InMemoryPoster();
      poster.markGone('stale');
      await poster.post('a', '{}');

      // Act
      poster.clearFrames();

      // Assess
      expect(poster.framesFor('a')).toEqual([]);
      expect(poster.postCount).toBe(0);
      expect(await poster.post('stale', '{}')).toBe('gone');
    });
  });
});
