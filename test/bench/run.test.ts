import { childArguments, parseArguments } from '../../bench/run';

describe('Function: parseArguments', () => {
  it('reads the quick run of every suite', () => {
    expect(parseArguments([])).toEqual({ full: false, suites: [] });
  });

  it('reads --full, the suites asked for, and the suite of a child process', () => {
    expect(parseArguments(['--full', '--suite', 'e2e', '--suite', 'cost'])).toEqual({
      full: true,
      suites: ['e2e', 'cost'],
    });
    expect(parseArguments(['--suite', 'e2e', '--child', 'e2e'])).toEqual({
      full: false,
      suites: ['e2e'],
      child: 'e2e',
    });
  });

  it('rejects an unknown suite and an unknown argument', () => {
    expect(() => parseArguments(['--suite', 'nope'])).toThrow('--suite needs one of: cost,');
    expect(() => parseArguments(['--child'])).toThrow('--child needs one of: cost,');
    expect(() => parseArguments(['--fast'])).toThrow('Unknown argument --fast');
  });
});

describe('Function: childArguments', () => {
  it('runs one suite per process, keeping the arguments that name the run', () => {
    expect(childArguments({ full: false, suites: [] }, 'e2e')).toEqual(['--child', 'e2e']);
    expect(childArguments({ full: true, suites: ['cost', 'e2e'] }, 'cost')).toEqual([
      '--full',
      '--suite',
      'cost',
      '--suite',
      'e2e',
      '--child',
      'cost',
    ]);
  });

  it('gives arguments a child reads back as the same run, with its one suite', () => {
    const run = { full: true, suites: ['fanout'] };
    expect(parseArguments(childArguments(run, 'fanout'))).toEqual({ ...run, child: 'fanout' });
  });
});
