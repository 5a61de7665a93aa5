import { InMemoryMessageLog } from '../../../lambdas/core/in-memory-message-log';
import { describeMessageLogContract } from '../../support/message-log-contract';

describeMessageLogContract('InMemoryMessageLog', ({ now }) => new InMemoryMessageLog({ now }));

describe('Class: InMemoryMessageLog', () => {
  describe('Method: read', () => {
    it('returns copies that callers cannot use to change the log', async () => {
      // Prepare
      const log = new InMemoryMessageLog();
      const expiresAt = Math.floor(Date.now() / 1000) + 60;
      await log.append('/', 'lobby', { event: 'chat', data: { text: 'hi' }, at: 1 }, expiresAt);
      const query = { since: 0, limit: 10, maxLength: 10, maxBytes: 10_000 };
      const [copy] = (await log.read('/', 'lobby', query)).messages;

      // Act
      (copy?.data as { text: string }).text = 'changed';

      // Assess
      expect((await log.read('/', 'lobby', query)).messages[0]?.data).toEqual({ text: 'hi' });
    });

    it('rejects a limit below 1', async () => {
      // Prepare
      const log = new InMemoryMessageLog();

      // Act
      const reading = log.read('/', 'lobby', { limit: 0, maxLength: 10, maxBytes: 10_000 });

      // Assess
      await expect(reading).rejects.toBeInstanceOf(RangeError);
    });
  });

  describe('Method: append', () => {
    it('keeps counting after the expired messages are forgotten', async () => {
      // Prepare
      let now = 1_700_000_000_000;
      const log = new InMemoryMessageLog({ now: () => now });
      await log.append('/', 'lobby', { event: 'chat', data: 1, at: now }, 1_700_000_060);
      now += 120_000;

      // Act
      const stored = await log.append(
        '/',
        'lobby',
        { event: 'chat', data: 2, at: now },
        1_700_003_600,
      );

      // Assess
      expect(stored.seq).toBe(2);
      const page = await log.read('/', 'lobby', {
        since: 0,
        limit: 10,
        maxLength: 10,
        maxBytes: 10_000,
      });
      // Message 1 expired, but message 2 is too recent to tell it from one still being written.
      expect(page).toEqual({ messages: [stored], head: 2, trimmed: false });
    });
  });
});
