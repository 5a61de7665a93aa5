import { insertionIndex, type LinePlace } from '../../web/line-order';

const line = (seq?: number, pending = false): LinePlace => ({ seq, pending });

describe('Function: insertionIndex', () => {
  it('puts a room message before the first line with a higher seq', () => {
    // Prepare
    const lines = [line(1), line(), line(4), line(6)];

    // Act & Assess
    expect(insertionIndex(lines, 5)).toBe(3);
    expect(insertionIndex(lines, 2)).toBe(2);
    expect(insertionIndex(lines, 7)).toBe(4);
  });

  it('keeps pending lines last, for lines with and without a seq', () => {
    // Prepare
    const lines = [line(1), line(undefined, true), line(undefined, true)];

    // Act & Assess
    expect(insertionIndex(lines, 9)).toBe(1);
    expect(insertionIndex(lines, undefined)).toBe(1);
  });

  it('appends a line without a seq when nothing is pending', () => {
    // Prepare & Act & Assess
    expect(insertionIndex([line(3), line(1)], undefined)).toBe(2);
    expect(insertionIndex([], 4)).toBe(0);
  });
});
