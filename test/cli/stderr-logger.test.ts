import { lineLogger } from '../../cli/stderr-logger';

describe('Function: lineLogger', () => {
  it('writes warnings and errors as one line each, with their details, and drops the rest', () => {
    // Prepare
    const lines: string[] = [];
    const logger = lineLogger((line) => lines.push(line));

    // Act
    logger.debug('quiet');
    logger.info('quiet');
    logger.warn('Post failed', { connectionId: 'X' }, { error: 'ForbiddenException' });
    logger.error('Broken');

    // Assess
    expect(lines).toEqual([
      'warning: Post failed {"connectionId":"X","error":"ForbiddenException"}',
      'error: Broken',
    ]);
  });
});
