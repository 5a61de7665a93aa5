import { parseTokenArguments } from '../../local/token';
import { TOKEN_USAGE } from '../../local/token-usage';

/** The long options a usage text lists, one a line under `Options:`. */
const flagsIn = (text: string): string[] =>
  [...text.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((match) => match[1] as string);

describe('TOKEN_USAGE (npm run token -- --help)', () => {
  it('documents every option, --expires with its format and default', () => {
    expect(flagsIn(TOKEN_USAGE).sort()).toEqual(['--expires', '--help', '--name', '--user']);
    expect(TOKEN_USAGE).toMatch(/--expires <duration> +how long the token is valid/);
    expect(TOKEN_USAGE).toMatch(/\(default 12h\)/);
  });

  it('names only options parseTokenArguments accepts, with the defaults it applies', () => {
    expect(parseTokenArguments(['--user', 'ann', '--name', 'Ann', '--expires', '30m'])).toEqual({
      user: 'ann',
      name: 'Ann',
      expiresIn: '30m',
    });
    expect(parseTokenArguments(['--user=ann'])).toEqual({
      user: 'ann',
      name: undefined,
      expiresIn: '12h',
    });
  });

  it('is what an unknown argument points to', () => {
    expect(() => parseTokenArguments(['--user', 'ann', '--ttl', '1h'])).toThrow(
      /Unknown argument: --ttl\..*--help/,
    );
  });
});
