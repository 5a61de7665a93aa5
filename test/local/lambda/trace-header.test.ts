import { invocationTraceHeader, lambdaTraceHeader } from '../../../local/lambda/trace-header';

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

describe('Function: invocationTraceHeader', () => {
  const root = '1-6b120280-0123456789abcdef01234567';

  it("joins the caller's trace, under the caller's subsegment", () => {
    expect(invocationTraceHeader(`Root=${root};Parent=89abcdef01234567;Sampled=1`)).toBe(
      `Root=${root};Parent=89abcdef01234567;Sampled=1`,
    );
  });

  it("keeps the caller's decision not to sample, and reads fields in any order", () => {
    expect(invocationTraceHeader(`Sampled=0; Root=${root}`)).toMatch(
      new RegExp(`^Root=${root};Parent=[0-9a-f]{16};Sampled=0$`),
    );
  });

  it.each([
    ['no header', undefined],
    ['no root', 'Parent=89abcdef01234567;Sampled=1'],
    ['a malformed root', 'Root=1-xyz;Parent=89abcdef01234567;Sampled=1'],
    ['fields without values', 'Root;Parent;Sampled'],
  ])('starts a trace of its own with %s', (_case, header) => {
    const own = invocationTraceHeader(header, new Date('2026-12-04T00:00:00Z'));

    expect(own).toMatch(/^Root=1-6b120280-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
  });

  it('replaces a malformed parent with a segment id of its own', () => {
    expect(invocationTraceHeader(`Root=${root};Parent=zz;Sampled=1`)).toMatch(
      new RegExp(`^Root=${root};Parent=[0-9a-f]{16};Sampled=1$`),
    );
  });
});
