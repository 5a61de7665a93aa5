import { AckRegistry, PendingAck } from '../../client/ack-registry';
import { ChatClientError } from '../../client/errors';
import type { Timers } from '../../client/timers';

/** Timers fired by hand. */
function manualTimers(): Timers & { fire(): void; readonly delays: number[] } {
  const callbacks = new Map<number, () => void>();
  const delays: number[] = [];
  let nextHandle = 1;
  return {
    delays,
    setTimeout(callback, ms) {
      delays.push(ms);
      callbacks.set(nextHandle, callback);
      return nextHandle++;
    },
    clearTimeout(handle) {
      callbacks.delete(handle as number);
    },
    fire() {
      const pending = [...callbacks.values()];
      callbacks.clear();
      for (const callback of pending) callback();
    },
  };
}

describe('Class: AckRegistry', () => {
  describe('Method: track', () => {
    it('assigns increasing positive integer ids', () => {
      // Prepare
      const timers = manualTimers();
      const registry = new AckRegistry();

      // Act
      const ids = [1, 2, 3].map(() => registry.track(new PendingAck('e', 1_000, timers)));

      // Assess
      expect(ids).toEqual([1, 2, 3]);
      expect(registry.size).toBe(3);
    });
  });

  describe('Method: settle', () => {
    it('resolves with the data of a reply and forgets the id', async () => {
      // Prepare
      const registry = new AckRegistry();
      const ack = new PendingAck('e', 1_000, manualTimers());
      const id = registry.track(ack);

      // Act
      const settled = registry.settle(id, { data: { ok: true } });

      // Assess
      expect(settled).toBe(true);
      await expect(ack.promise).resolves.toEqual({ ok: true });
      expect(registry.size).toBe(0);
      expect(registry.settle(id, { data: 1 })).toBe(false);
    });

    it('rejects with the server error code and message', async () => {
      // Prepare
      const registry = new AckRegistry();
      const ack = new PendingAck('e', 1_000, manualTimers());
      const id = registry.track(ack);

      // Act
      registry.settle(id, { error: { code: 'FORBIDDEN', message: 'Members only' } });

      // Assess
      await expect(ack.promise).rejects.toMatchObject({
        name: 'ChatClientError',
        code: 'FORBIDDEN',
        message: 'Members only',
      });
    });
  });

  describe('Class: PendingAck', () => {
    it('rejects with TIMEOUT when its timer fires, and the registry forgets it', async () => {
      // Prepare
      const timers = manualTimers();
      const registry = new AckRegistry();
      const ack = new PendingAck('slow', 250, timers);
      registry.track(ack);

      // Act
      timers.fire();

      // Assess
      expect(timers.delays).toEqual([250]);
      await expect(ack.promise).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(registry.size).toBe(0);
    });

    it('starts no timer for a timeout of 0', () => {
      // Prepare
      const timers = manualTimers();

      // Act
      new PendingAck('e', 0, timers);

      // Assess
      expect(timers.delays).toEqual([]);
    });
  });

  describe('Method: rejectAll', () => {
    it('rejects every waiting ack with the given error', async () => {
      // Prepare
      const registry = new AckRegistry();
      const acks = [1, 2].map(() => new PendingAck('e', 1_000, manualTimers()));
      for (const ack of acks) registry.track(ack);

      // Act
      registry.rejectAll(new ChatClientError('DISCONNECTED', 'gone'));

      // Assess
      for (const ack of acks)
        await expect(ack.promise).rejects.toMatchObject({ code: 'DISCONNECTED' });
      expect(registry.size).toBe(0);
    });
  });
});
