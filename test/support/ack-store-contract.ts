import type { AckStore } from '../../lambdas/core/ports';

let sequence = 0;

/** A fresh ack id (a UUID, as the server makes them). */
function anAckId(): string {
  sequence++;
  return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`;
}

const A = 'R00000000000001=';
const B = 'R00000000000002=';
const C = 'R00000000000003=';

/**
 * The behaviour every `AckStore` shares. `build` gets the clock the store must use (epoch ms).
 *
 * @example
 * describeAckStoreContract('InMemoryAckStore', ({ now }) => new InMemoryAckStore(() => now() / 1000));
 */
export function describeAckStoreContract(
  name: string,
  build: (clock: { readonly now: () => number }) => AckStore,
): void {
  describe(`AckStore contract: ${name}`, () => {
    // The store's clock starts at the real time: DynamoDB Local sweeps items whose TTL has
    // passed by the real clock, and would delete a pending ack dated in the past mid-test.
    let nowMs = Date.now();
    const store = () => build({ now: () => nowMs });
    const inAMinute = () => Math.floor(nowMs / 1000) + 60;

    beforeEach(() => {
      nowMs = Date.now();
    });

    it('records each recipient’s first answer, and nothing from anyone else', async () => {
      const acks = store();
      const id = anAckId();
      await acks.create({ id, recipients: [A, B], expiresAt: inAMinute() });
      expect(await acks.answers(id)).toEqual(new Map());
      expect(await acks.answer(id, A, ['yes', { n: 1 }])).toBe(true);
      expect(await acks.answer(id, A, ['changed my mind'])).toBe(false);
      expect(await acks.answer(id, C, ['not asked'])).toBe(false);
      expect(await acks.answer(id, B, [])).toBe(true);
      expect(await acks.answers(id)).toEqual(
        new Map<string, unknown[]>([
          [A, ['yes', { n: 1 }]],
          [B, []],
        ]),
      );
    });

    it('refuses answers to unknown, deleted and expired acks', async () => {
      const acks = store();
      expect(await acks.answer(anAckId(), A, ['x'])).toBe(false);
      const deleted = anAckId();
      await acks.create({ id: deleted, recipients: [A], expiresAt: inAMinute() });
      await acks.delete(deleted);
      expect(await acks.answer(deleted, A, ['x'])).toBe(false);
      expect(await acks.answers(deleted)).toEqual(new Map());
      const expired = anAckId();
      await acks.create({ id: expired, recipients: [A], expiresAt: inAMinute() });
      nowMs += 61_000;
      expect(await acks.answer(expired, A, ['late'])).toBe(false);
    });

    it('keeps answers apart by ack', async () => {
      const acks = store();
      const first = anAckId();
      const second = anAckId();
      await acks.create({ id: first, recipients: [A], expiresAt: inAMinute() });
      await acks.create({ id: second, recipients: [A], expiresAt: inAMinute() });
      await acks.answer(second, A, ['two']);
      expect(await acks.answers(first)).toEqual(new Map());
      expect(await acks.answers(second)).toEqual(new Map([[A, ['two']]]));
    });
  });
}
