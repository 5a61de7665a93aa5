import { parseTokenArguments } from '../../local/token';

describe('Function: parseTokenArguments', () => {
  it('reads --user, --name, --expires and --port, with defaults', () => {
    expect(parseTokenArguments(['--user', 'alice'], {})).toEqual({
      user: 'alice',
      name: undefined,
      expiresIn: '12h',
      port: 3001,
    });
    expect(
      parseTokenArguments(['--user=bob', '--name', 'Bob B', '--expires=30m', '--port', '4000'], {}),
    ).toEqual({ user: 'bob', name: 'Bob B', expiresIn: '30m', port: 4000 });
  });

  it('takes the port of npm start from PORT', () => {
    expect(parseTokenArguments(['--user', 'a'], { PORT: '5000' }).port).toBe(5000);
  });

  it.each([[[]], [['--user']], [['--user', 'a', '--port', 'x']], [['--verbose']]])(
    'rejects %j',
    (args) => {
      expect(() => parseTokenArguments(args, {})).toThrow(/Usage/);
    },
  );
});
