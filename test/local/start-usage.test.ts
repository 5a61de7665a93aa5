import { parseArguments } from '../../local/start';
import { START_USAGE } from '../../local/start-usage';

/** The long options a usage text lists, one a line under `Options:`. */
const flagsIn = (text: string): string[] =>
  [...text.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((match) => match[1] as string);

/** A value for each option that takes one. */
const SAMPLE_VALUES: Record<string, string> = {
  '--port': '4000',
  '--data-dir': '/tmp/chat',
  '--drop-disconnects': '0.5',
  '--nest': 'examples/nest-chat/chat.module.ts#ChatModule',
};

describe('START_USAGE (npm start -- --help)', () => {
  it('documents every option npm start reads, and the PORT default', () => {
    expect(flagsIn(START_USAGE).sort()).toEqual([
      '--anonymous',
      '--data-dir',
      '--drop-disconnects',
      '--help',
      '--in-memory',
      '--nest',
      '--port',
    ]);
    expect(START_USAGE).toMatch(/--port <n> .*\$PORT, else 3001/);
  });

  it.each(flagsIn(START_USAGE).filter((flag) => flag !== '--help'))(
    'names %s, which parseArguments accepts',
    (flag) => {
      const args = flag in SAMPLE_VALUES ? [flag, SAMPLE_VALUES[flag] as string] : [flag];
      expect(() => parseArguments(args, {})).not.toThrow();
    },
  );

  it('is what an unknown argument points to', () => {
    expect(() => parseArguments(['--verbose'], {})).toThrow(
      /Unknown argument: --verbose\..*--help/,
    );
  });
});
