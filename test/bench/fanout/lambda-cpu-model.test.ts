import {
  cheapestSetting,
  cpuShare,
  estimateFanOut,
  type FanOutCosts,
  lambdaMsAt,
  shardWallMs,
} from '../../../bench/fanout/lambda-cpu-model';

const COSTS: FanOutCosts = {
  cpuPerMessageMicros: 5_000,
  cpuPerPostMicros: 100,
  cpuPerDispatchMicros: 500,
  postLatencyMs: 20,
  dispatchLatencyMs: 30,
  concurrency: 64,
};

describe('Function: cpuShare', () => {
  it('is one vCPU at 1,769 MB and above, linear below', () => {
    expect(cpuShare(1_769)).toBe(1);
    expect(cpuShare(3_538)).toBe(1);
    expect(cpuShare(256)).toBeCloseTo(0.1447, 4);
  });
});

describe('Function: lambdaMsAt', () => {
  it("stretches the CPU to the memory's share and keeps the waits", () => {
    expect(lambdaMsAt(16, 10, 1_769 / 4)).toBe(6 + 40);
    expect(lambdaMsAt(16, 10, 3_538)).toBe(16);
    expect(lambdaMsAt(16, 0, 256)).toBe(16);
    // More CPU than wall time (threads besides the main one): all of it, serialised.
    expect(lambdaMsAt(8, 10, 1_769 / 2)).toBe(20);
  });
});

describe('Function: shardWallMs', () => {
  it('is latency-bound with a full vCPU and CPU-bound at 128 MB', () => {
    expect(shardWallMs(1_000, 1_769, COSTS)).toBe(16 * 20);
    expect(shardWallMs(1_000, 128, COSTS)).toBeCloseTo((1_000 * 0.1) / (128 / 1_769), 6);
  });
});

describe('Function: estimateFanOut', () => {
  it("posts a small room in the message function alone, after the message's own work, both at the memory's CPU share", () => {
    // 5 ms of own work and 100 posts of 0.1 ms, CPU-bound at 256 MB (69 ms > 2 × 20 ms)
    const estimate = estimateFanOut(100, { memoryMb: 256, shardSize: 1_000 }, COSTS);
    const withoutOwnWork = estimateFanOut(
      100,
      { memoryMb: 256, shardSize: 1_000 },
      { ...COSTS, cpuPerMessageMicros: 0 },
    );
    expect(estimate.invocations).toBe(1);
    expect(estimate.wallMs).toBe(Math.round((5 + 100 * 0.1) / (256 / 1_769)));
    expect(withoutOwnWork.wallMs).toBe(Math.round((100 * 0.1) / (256 / 1_769)));
  });

  it('waits for the dispatch, the invoke and the slowest worker of a sharded room, and prices every busy second', () => {
    // 5 ms of own work, 9 dispatches at 0.5 ms of CPU; each shard of 1,000 latency-bound at 320 ms
    const estimate = estimateFanOut(10_000, { memoryMb: 1_769, shardSize: 1_000 }, COSTS);
    const busySeconds = (5 + 4.5 + 320 + 9 * 320) / 1_000;
    const perEmit = (1_769 / 1_024) * busySeconds * 0.000_013_333_4 + 10 * 0.000_000_2;
    expect(estimate).toEqual({
      wallMs: Math.round(5 + 4.5 + 30 + 320),
      invocations: 10,
      lambdaUsdPerMillion: expect.closeTo(perEmit * 100, 9),
    });
  });
});

describe('Function: cheapestSetting', () => {
  it('picks the cheapest setting within the bound, and none when none is', () => {
    const settings = [
      { memoryMb: 128, shardSize: 1_000 }, // CPU-bound: 1.4 s per shard
      { memoryMb: 512, shardSize: 1_000 },
      { memoryMb: 1_769, shardSize: 1_000 },
    ];
    expect(cheapestSetting(10_000, 1_000, settings, COSTS)).toEqual({
      memoryMb: 512,
      shardSize: 1_000,
    });
    expect(cheapestSetting(10_000, 100, settings, COSTS)).toBeUndefined();
  });
});
