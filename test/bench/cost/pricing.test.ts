import { PRICES } from '../../../bench/cost/prices';
import { costPerMillion, MESSAGE_METERING_BYTES, messageUnits } from '../../../bench/cost/pricing';

describe('Function: messageUnits', () => {
  it('counts one unit per started 32 KB, at least one', () => {
    expect(messageUnits('')).toBe(1);
    expect(messageUnits('x'.repeat(MESSAGE_METERING_BYTES))).toBe(1);
    expect(messageUnits('x'.repeat(MESSAGE_METERING_BYTES + 1))).toBe(2);
  });

  it('meters bytes, not characters', () => {
    expect(messageUnits('é'.repeat(MESSAGE_METERING_BYTES / 2 + 1))).toBe(2);
  });
});

describe('Function: costPerMillion', () => {
  it('prices each resource per million operations', () => {
    // Act
    const cost = costPerMillion({
      messageUnits: 11,
      lambdaInvocations: 1,
      lambdaMsPerInvocation: 19.2,
      lambdaMemoryMb: 256,
      rcu: 1.5,
      wcu: 2,
    });

    // Assess
    expect(cost.apiGateway).toBeCloseTo(11, 10);
    expect(cost.lambdaRequests).toBeCloseTo(0.2, 10);
    // 20 billed ms × 0.25 GB = 0.005 GB-s per invocation, × 10⁶ × $0.0000133334.
    expect(cost.lambdaDuration).toBeCloseTo(0.005 * PRICES.lambdaArmGbSecond * 1e6, 10);
    expect(cost.dynamoDbReads).toBeCloseTo(0.1875, 10);
    expect(cost.dynamoDbWrites).toBeCloseTo(1.25, 10);
    expect(cost.total).toBeCloseTo(11 + 0.2 + 0.066667 + 0.1875 + 1.25, 5);
  });

  it('costs nothing for nothing', () => {
    expect(
      costPerMillion({
        messageUnits: 0,
        lambdaInvocations: 0,
        lambdaMsPerInvocation: 0,
        lambdaMemoryMb: 256,
        rcu: 0,
        wcu: 0,
      }).total,
    ).toBe(0);
  });
});
