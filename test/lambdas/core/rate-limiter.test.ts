import { TokenBucketRateLimiter } from '../../../lambdas/core/rate-limiter';

/** A clock the test moves by hand. */
const fakeClock = (start = 1_700_000_000_000) => {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
};

const takeMany = (limiter: TokenBucketRateLimiter, id: string, count: number): boolean[] =>
  Array.from({ length: count }, () => limiter.tryTake(id));

describe('Class: TokenBucketRateLimiter', () => {
  it('lets a burst of `capacity` through, then refuses', () => {
    // Prepare
    const clock = fakeClock();
    const limiter = new TokenBucketRateLimiter({ capacity: 5, refillPerSecond: 1, ...clock });

    // Act
    const taken = takeMany(limiter, 'a', 7);

    // Assess
    expect(taken).toEqual([true, true, true, true, true, false, false]);
  });

  it('defaults to a burst of 20 and a refill of 10 per second', () => {
    // Prepare
    const clock = fakeClock();
    const limiter = new TokenBucketRateLimiter({ now: clock.now });

    // Act
    const burst = takeMany(limiter, 'a', 21);
    clock.advance(1_000);
    const afterOneSecond = takeMany(limiter, 'a', 11);

    // Assess
    expect(burst.filter(Boolean)).toHaveLength(20);
    expect(burst[20]).toBe(false);
    expect(afterOneSecond.filter(Boolean)).toHaveLength(10);
  });

  it('refills at `refillPerSecond`, counting fractions of a token, up to `capacity`', () => {
    // Prepare
    const clock = fakeClock();
    const limiter = new TokenBucketRateLimiter({ capacity: 4, refillPerSecond: 2, ...clock });
    takeMany(limiter, 'a', 4);

    // Act
    clock.advance(250); // half a token
    const atHalf = limiter.tryTake('a');
    clock.advance(250); // 0.5 kept from before + 0.5 = one token
    const atOne = limiter.tryTake('a');
    clock.advance(60_000); // far more than the capacity
    const afterLongPause = takeMany(limiter, 'a', 6);

    // Assess
    expect(atHalf).toBe(false);
    expect(atOne).toBe(true);
    expect(afterLongPause).toEqual([true, true, true, true, false, false]);
  });

  it('keeps one bucket per id', () => {
    // Prepare
    const clock = fakeClock();
    const limiter = new TokenBucketRateLimiter({ capacity: 2, refillPerSecond: 1, ...clock });

    // Act
    const a = takeMany(limiter, 'a', 3);
    const b = takeMany(limiter, 'b', 2);

    // Assess
    expect(a).toEqual([true, true, false]);
    expect(b).toEqual([true, true]);
  });

  it('does not refill when the clock goes backwards', () => {
    // Prepare
    const clock = fakeClock();
    const limiter = new TokenBucketRateLimiter({ capacity: 1, refillPerSecond: 1, ...clock });
    limiter.tryTake('a');

    // Act
    clock.advance(-10_000);
    const backwards = limiter.tryTake('a');

    // Assess
    expect(backwards).toBe(false);
  });

  it('forgets the least recently used id past `maxTracked`, bounding memory', () => {
    // Prepare
    const clock = fakeClock();
    const limiter = new TokenBucketRateLimiter({
      capacity: 1,
      refillPerSecond: 0.001,
      maxTracked: 2,
      ...clock,
    });
    limiter.tryTake('a');
    limiter.tryTake('b');
    limiter.tryTake('a'); // refused, but makes `a` the most recently used

    // Act
    limiter.tryTake('c'); // evicts `b`, the least recently used
    const a = limiter.tryTake('a');
    const b = limiter.tryTake('b'); // forgotten: a full bucket again (and evicts `c`)

    // Assess
    expect(limiter.size).toBe(2);
    expect(a).toBe(false);
    expect(b).toBe(true);
  });

  it('never tracks more than `maxTracked` ids', () => {
    // Prepare
    const limiter = new TokenBucketRateLimiter({ maxTracked: 100 });

    // Act
    for (let index = 0; index < 1_000; index += 1) limiter.tryTake(`id-${index}`);

    // Assess
    expect(limiter.size).toBe(100);
  });

  it.each([
    [{ capacity: 0 }],
    [{ refillPerSecond: 0 }],
    [{ maxTracked: 0 }],
    [{ capacity: Number.NaN }],
  ])('refuses invalid options %j', (options) => {
    expect(() => new TokenBucketRateLimiter(options)).toThrow(RangeError);
  });
});
