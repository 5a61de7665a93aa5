import { SERVER_ACK_ID } from '../../../lambdas/core/protocol';
import {
  newServerAckId,
  serverAckIdOf,
  serverAckNumber,
} from '../../../lambdas/core/server-ack-id';

describe('server ack ids', () => {
  it('are UUID-shaped, as JSON protocol v1 clients answer them', () => {
    for (let i = 0; i < 100; i += 1) expect(newServerAckId()).toMatch(SERVER_ACK_ID);
  });

  it('convert to a Socket.IO ack number and back', () => {
    for (let i = 0; i < 100; i += 1) {
      const id = newServerAckId();
      const n = serverAckNumber(id);
      expect(Number.isSafeInteger(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(serverAckIdOf(n)).toBe(id);
    }
  });

  it.each([0, 1, 17, 2 ** 52 - 1])('keeps %d', (n) => {
    expect(serverAckNumber(serverAckIdOf(n))).toBe(n);
  });

  it('spreads over 52 bits: 1,000 new ids are distinct', () => {
    expect(new Set(Array.from({ length: 1_000 }, newServerAckId)).size).toBe(1_000);
  });

  it.each([-1, 2 ** 52, 1.5])('refuses %d as a number of the server', (n) => {
    expect(() => serverAckIdOf(n)).toThrow(RangeError);
  });

  it('refuses an id it did not make', () => {
    expect(() => serverAckNumber('1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toThrow(RangeError);
  });
});
