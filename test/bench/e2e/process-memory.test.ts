import { childPidFromPs, parseRssKb } from '../../../bench/e2e/process-memory';

describe('Function: childPidFromPs', () => {
  const ps = [
    '    1     0 /sbin/init',
    '  420     7 java -jar DynamoDBLocal.jar -port 8001 -inMemory',
    '  421    99 java -jar DynamoDBLocal.jar -port 8000 -inMemory',
    '  422     7 java -jar DynamoDBLocal.jar -port 8000 -inMemory',
    '',
  ].join('\n');

  it('finds the child of the given parent whose command line holds the needle', () => {
    expect(childPidFromPs(ps, 7, '-port 8000')).toBe(422);
  });

  it('ignores other parents and is undefined without a match', () => {
    expect(childPidFromPs(ps, 99, '-port 8001')).toBeUndefined();
    expect(childPidFromPs('', 7, '-port 8000')).toBeUndefined();
  });
});

describe('Function: parseRssKb', () => {
  it('reads the kilobytes ps prints, padded', () => {
    expect(parseRssKb('  123456\n')).toBe(123456);
  });

  it.each(['', 'RSS', '12 34'])('is undefined for %p', (output) => {
    expect(parseRssKb(output)).toBeUndefined();
  });
});
