import { parseTokenArguments } from '../../local/token';
import { TOKEN_USAGE } from '../../local/token-usage';

/** The long options a usage text lists, one a line under `Options:`. */
const flagsIn = (text: string): string[] =>
  [...text.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((match) => match[1] as string);

describe('TOKEN_USAGE (npm run token -- --help)', () => {
  it('documents every option, --expires with its format and default', () => {
    expect(flagsIn(TOKEN_USAGE).sort()).toEqual([
      '--expires',
      '--help',
      '--name',
      '--port',
      '--user',
    ]);
    expect(TOKEN_USAGE).toMatch(/--expires <duration> +how long the token is valid/);
    expect(TOKEN_USAGE).toMatch(/\(default 12h\)/);
  });

  it('names only options parseTokenArguments accepts, with the defaults it applies', () => {
    expect(
      parseTokenArguments(
        ['--user', 'ann', '--name', 'Ann', '--expires', '30m', '--port', '4000'],
        {},
      ),
    ).toEqual({ user: 'ann', name: 'Ann', expiresIn: '30m', port: 4000 });
    expect(parseTokenArguments(['--user=ann'], {})).toEqual({
      user: 'ann',
      name: undefined,
      expiresIn: '12h',
      port: 3001,
    });
    expect(parseTokenArguments(['--user=ann'], { PORT: '3100' }).port).toBe(3100);
    expect(TOKEN_USAGE).toMatch(/--port <port> .*\n.*\(default: \$PORT, else 3001\)/);
  });

  it('is what an unknown argument points to', () => {
    expect(() => parseTokenArguments(['--user', 'ann', '--ttl', '1h'])).toThrow(
      /Unknown argument: --ttl\..*--help/,
    );
  });
});
