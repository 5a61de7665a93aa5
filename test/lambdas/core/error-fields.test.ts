import { errorFields, errorMessage } from '../../../lambdas/core/error-fields';

describe('Function: errorFields', () => {
  it('names an error by its own name, a plain Error by its message, anything else as a string', () => {
    // Prepare
    const named = Object.assign(new Error('Forbidden'), { name: 'ForbiddenException' });

    // Act
    const fields = [named, new Error('throttled'), 'boom', 42].map((error) => errorFields(error));

    // Assess
    expect(fields).toEqual([
      { error: 'ForbiddenException' },
      { error: 'throttled' },
      { error: 'boom' },
      { error: '42' },
    ]);
  });

  it('adds the stack only when asked for', () => {
    // Prepare
    const error = new TypeError('x is undefined');

    // Act
    const fields = errorFields(error, { stack: true });

    // Assess
    expect(fields.error).toBe('TypeError');
    expect(fields.stack).toMatch(/^TypeError: x is undefined\n/);
    expect(errorFields('plain', { stack: true })).toEqual({ error: 'plain' });
  });
});

describe('Function: errorMessage', () => {
  it("is an error's message, or the thrown value as a string", () => {
    expect(errorMessage(Object.assign(new Error('gone'), { name: 'GoneException' }))).toBe('gone');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});
