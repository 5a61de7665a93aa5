import { asksForHelp } from '../../local/asks-for-help';

describe('Function: asksForHelp', () => {
  it.each([[['--help']], [['-h']], [['--port', '4000', '--help']], [['--user', 'ann', '-h']]])(
    'is true for %j',
    (args) => {
      expect(asksForHelp(args)).toBe(true);
    },
  );

  it.each([[[]], [['--user', 'ann']], [['--', '--help']], [['--name=--help']]])(
    'is false for %j',
    (args) => {
      expect(asksForHelp(args)).toBe(false);
    },
  );
});
