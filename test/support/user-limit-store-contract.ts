import type { FrameCharge, UserLimitStore } from '../../lambdas/core/ports';

/** Keys are unique per test, so that suites can share one table. */
let keys = 0;
const aKey = (): string => {
  keys++;
  return `user-${keys}`;
};
const anId = (index: number): string => `L${index.toString().padStart(14, '0')}=`;

/** A window in the future of the real clock, so that DynamoDB Local's TTL leaves items alone. */
const WINDOW = Math.floor(Date.now() / 1000 / 60) * 60 + 3600;
const EXPIRES = WINDOW + 7200;

const frame = (key: string, change: Partial<FrameCharge> = {}): FrameCharge => ({
  key,
  window: WINDOW,
  slice: 0,
  messageLimit: 3,
  reserve: 10,
  deliveryLimit: 100,
  expiresAt: EXPIRES,
  ...change,
});

/**
 * The behaviour every `UserLimitStore` must have. Run it once per implementation so the
 * in-memory store used by unit tests cannot drift from the DynamoDB one.
 *
 * @example
 * describeUserLimitStoreContract('InMemoryUserLimitStore', () => new InMemoryUserLimitStore());
 */
export function describeUserLimitStoreContract(
  name: string,
  makeStore: () => UserLimitStore | Promise<UserLimitStore>,
): void {
  describe(`Class: ${name} (UserLimitStore contract)`, () => {
    let store: UserLimitStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    describe('Method: acquireConnection', () => {
      it('gives up to `max` slots, then refuses with the holders; a holder may acquire again', async () => {
        // Prepare
        const user = aKey();
        for (const index of [1, 2, 3]) await store.acquireConnection(user, anId(index), 3, EXPIRES);

        // Act
        const refused = await store.acquireConnection(user, anId(4), 3, EXPIRES);
        const again = await store.acquireConnection(user, anId(2), 3, EXPIRES);

        // Assess
        expect(refused.acquired).toBe(false);
        expect(refused.acquired ? [] : [...refused.holders].sort()).toEqual([
          anId(1),
          anId(2),
          anId(3),
        ]);
        expect(again).toEqual({ acquired: true });
        expect(await store.acquireConnection(aKey(), anId(4), 3, EXPIRES)).toEqual({
          acquired: true,
        });
      });

      it('gives exactly `max` slots to concurrent connections', async () => {
        // Prepare
        const user = aKey();

        // Act
        const slots = await Promise.all(
          Array.from({ length: 12 }, (_, index) =>
            store.acquireConnection(user, anId(index), 5, EXPIRES),
          ),
        );

        // Assess
        expect(slots.filter((slot) => slot.acquired)).toHaveLength(5);
      });
    });

    describe('Method: releaseConnections', () => {
      it('frees the slots of the ids given and ignores unknown ones and users', async () => {
        // Prepare
        const user = aKey();
        await store.acquireConnection(user, anId(1), 2, EXPIRES);
        await store.acquireConnection(user, anId(2), 2, EXPIRES);

        // Act
        await store.releaseConnections(user, [anId(1), anId(9)]);
        await store.releaseConnections(aKey(), [anId(1)]);

        // Assess
        expect(await store.acquireConnection(user, anId(3), 2, EXPIRES)).toEqual({
          acquired: true,
        });
        const refused = await store.acquireConnection(user, anId(4), 2, EXPIRES);
        expect(refused.acquired ? [] : [...refused.holders].sort()).toEqual([anId(2), anId(3)]);
      });
    });

    describe('Method: chargeFrame', () => {
      it('counts frames per message window up to the limit, then answers "messages" and counts nothing', async () => {
        // Prepare
        const key = aKey();
        const results = [];

        // Act
        for (let index = 0; index < 4; index++) results.push(await store.chargeFrame(frame(key)));
        const nextSlice = await store.chargeFrame(frame(key, { slice: 1 }));
        const nextWindow = await store.chargeFrame(frame(key, { window: WINDOW + 60 }));

        // Assess
        expect(results).toEqual([undefined, undefined, undefined, 'messages']);
        expect(nextSlice).toBeUndefined();
        expect(nextWindow).toBeUndefined();
        // 4 frames reserved 10 each: 60 of 100 left, so exactly 60 more recipients fit.
        expect(
          await store.chargeDeliveries({
            key,
            window: WINDOW,
            recipients: 61,
            deliveryLimit: 100,
            expiresAt: EXPIRES,
          }),
        ).toBe(false);
        expect(
          await store.chargeDeliveries({
            key,
            window: WINDOW,
            recipients: 60,
            deliveryLimit: 100,
            expiresAt: EXPIRES,
          }),
        ).toBe(true);
      });

      it('answers "deliveries" once the reserve no longer fits the delivery limit', async () => {
        // Prepare
        const key = aKey();
        const charge = frame(key, { messageLimit: 100, reserve: 40 });

        // Act
        const results = [];
        for (let index = 0; index < 3; index++) results.push(await store.chargeFrame(charge));
        const tooLarge = await store.chargeFrame(frame(aKey(), { reserve: 101 }));

        // Assess
        expect(results).toEqual([undefined, undefined, 'deliveries']);
        expect(tooLarge).toBe('deliveries');
      });

      it('counts without limits when none are given', async () => {
        // Prepare
        const charge = frame(aKey(), { messageLimit: undefined, deliveryLimit: undefined });

        // Act
        const results = [];
        for (let index = 0; index < 5; index++) results.push(await store.chargeFrame(charge));

        // Assess
        expect(results).toEqual([undefined, undefined, undefined, undefined, undefined]);
      });

      it('lets exactly `limit` of concurrent frames through', async () => {
        // Prepare
        const charge = frame(aKey(), { messageLimit: 7, reserve: 0 });

        // Act
        const results = await Promise.all(
          Array.from({ length: 15 }, () => store.chargeFrame(charge)),
        );

        // Assess
        expect(results.filter((result) => result === undefined)).toHaveLength(7);
        expect(results.filter((result) => result === 'messages')).toHaveLength(8);
      });
    });

    describe('Method: chargeDeliveries', () => {
      it('adds recipients up to the limit, never over it, also concurrently', async () => {
        // Prepare
        const key = aKey();
        const charge = {
          key,
          window: WINDOW,
          recipients: 30,
          deliveryLimit: 100,
          expiresAt: EXPIRES,
        };

        // Act
        const results = await Promise.all(
          [1, 2, 3, 4, 5].map(() => store.chargeDeliveries(charge)),
        );
        const overTheLimit = await store.chargeDeliveries({
          ...charge,
          key: aKey(),
          recipients: 101,
        });

        // Assess
        expect(results.filter(Boolean)).toHaveLength(3);
        expect(overTheLimit).toBe(false);
        expect(await store.chargeDeliveries({ ...charge, recipients: 10 })).toBe(true);
        expect(await store.chargeDeliveries({ ...charge, recipients: 1 })).toBe(false);
      });
    });

    describe('Method: claim', () => {
      it('is true for the first claim of a key in a window only, also concurrently', async () => {
        // Prepare
        const key = aKey();

        // Act
        const claims = await Promise.all([1, 2, 3, 4].map(() => store.claim(key, WINDOW, EXPIRES)));
        const later = await store.claim(key, WINDOW, EXPIRES);
        const nextWindow = await store.claim(key, WINDOW + 60, EXPIRES);
        const otherKey = await store.claim(aKey(), WINDOW, EXPIRES);

        // Assess
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(later).toBe(false);
        expect(nextWindow).toBe(true);
        expect(otherKey).toBe(true);
      });
    });
  });
}
