import { sameData } from '../../../lambdas/core/same-data';

describe('Function: sameData', () => {
  it.each([
    [
      'keys in another order',
      { user: { id: 'ann', name: 'Ann' }, a: 1 },
      { a: 1, user: { name: 'Ann', id: 'ann' } },
    ],
    ['an undefined value, which JSON leaves out', { a: 1, b: undefined }, { a: 1 }],
    ['nested objects within arrays', { list: [{ x: 1, y: 2 }] }, { list: [{ y: 2, x: 1 }] }],
  ])('treats data as the same with %s', (_case, a, b) => {
    expect(sameData(a, b)).toBe(true);
  });

  it.each([
    ['a changed value', { a: 1 }, { a: 2 }],
    ['a number against its string', { a: 1 }, { a: '1' }],
    ['arrays in another order', { list: [1, 2] }, { list: [2, 1] }],
    ['an added key', { a: 1 }, { a: 1, b: null }],
  ])('tells data apart with %s', (_case, a, b) => {
    expect(sameData(a, b)).toBe(false);
  });
});
