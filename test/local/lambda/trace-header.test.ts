import { lambdaTraceHeader } from '../../../local/lambda/trace-header';

describe('Function: lambdaTraceHeader', () => {
  it("starts a sampled trace of its own, rooted at the invocation's second", () => {
    // Act
    const first = lambdaTraceHeader(new Date('2026-12-04T00:00:00.900Z'));
    const second = lambdaTraceHeader(new Date('2026-12-04T00:00:00.900Z'));

    // Assess: 0x6b120280 is 2026-12-04T00:00:00Z in epoch seconds.
    expect(first).toMatch(/^Root=1-6b120280-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
    expect(second).not.toBe(first);
  });
});
