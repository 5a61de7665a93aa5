import { parseArguments } from '../../local/start';

describe('Function: parseArguments', () => {
  it('defaults to port 3001 with persistent data', () => {
    expect(parseArguments([], {})).toEqual({ port: 3001, inMemory: false, anonymous: false });
  });

  it('reads PORT, and --port wins over it', () => {
    expect(parseArguments([], { PORT: '4000' })).toEqual({
      port: 4000,
      inMemory: false,
      anonymous: false,
    });
    expect(parseArguments(['--port', '5000', '--in-memory'], { PORT: '4000' })).toEqual({
      port: 5000,
      inMemory: true,
      anonymous: false,
    });
    expect(parseArguments(['--port=6000'], {})).toEqual({
      port: 6000,
      inMemory: false,
      anonymous: false,
    });
  });

  it('reads --anonymous', () => {
    expect(parseArguments(['--anonymous'], {})).toEqual({
      port: 3001,
      inMemory: false,
      anonymous: true,
    });
  });

  it.each([[['--port']], [['--port', 'abc']], [['--port', '70000']], [['--verbose']]])(
    'rejects %j',
    (args) => {
      expect(() => parseArguments(args, {})).toThrow();
    },
  );
});
