import { PendingAck } from '../../client/ack-registry';
import { EmitBuffer } from '../../client/emit-buffer';
import { defaultTimers } from '../../client/timers';

describe('Class: EmitBuffer', () => {
  describe('Method: push', () => {
    it('drops and returns the oldest entry when full', () => {
      // Prepare
      const buffer = new EmitBuffer(2);

      // Act
      const first = buffer.push({ action: 'a', data: 1 });
      const second = buffer.push({ action: 'a', data: 2 });
      const third = buffer.push({ action: 'a', data: 3 });

      // Assess
      expect([first, second]).toEqual([undefined, undefined]);
      expect(third).toEqual({ action: 'a', data: 1 });
      expect(buffer.drain().map((entry) => entry.data)).toEqual([2, 3]);
    });

    it('makes room by discarding entries whose ack already settled before dropping live ones', () => {
      // Prepare
      const buffer = new EmitBuffer(2);
      const timedOut = new PendingAck('a', 0, defaultTimers);
      timedOut.promise.catch(() => undefined);
      timedOut.reject(new Error('timeout'));
      buffer.push({ action: 'a', data: 1 });
      buffer.push({ action: 'a', data: 2, ack: timedOut });

      // Act
      const dropped = buffer.push({ action: 'a', data: 3 });

      // Assess
      expect(dropped).toBeUndefined();
      expect(buffer.drain().map((entry) => entry.data)).toEqual([1, 3]);
    });

    it('keeps nothing with a capacity of 0', () => {
      // Prepare
      const buffer = new EmitBuffer(0);
      const entry = { action: 'a', data: 1 };

      // Act
      const dropped = buffer.push(entry);

      // Assess
      expect(dropped).toBe(entry);
      expect(buffer.size).toBe(0);
    });
  });

  describe('Method: drain', () => {
    it('returns entries oldest first, leaves out settled acks and empties the buffer', () => {
      // Prepare
      const buffer = new EmitBuffer(10);
      const settled = new PendingAck('b', 0, defaultTimers);
      settled.resolve(null);
      buffer.push({ action: 'a', data: 1 });
      buffer.push({ action: 'b', data: 2, ack: settled });
      buffer.push({ action: 'c', data: 3 });

      // Act
      const drained = buffer.drain();

      // Assess
      expect(drained.map((entry) => entry.action)).toEqual(['a', 'c']);
      expect(buffer.size).toBe(0);
    });
  });
});
