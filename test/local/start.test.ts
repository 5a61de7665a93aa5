import { parseArguments } from '../../local/start';

const DEFAULTS = { dataDir: '.data/dynamodb', dropDisconnects: 0, nest: undefined };

describe('Function: parseArguments', () => {
  it('defaults to port 3001 with persistent data', () => {
    expect(parseArguments([], {})).toEqual({
      port: 3001,
      inMemory: false,
      anonymous: false,
      ...DEFAULTS,
    });
  });

  it('reads PORT, and --port wins over it', () => {
    expect(parseArguments([], { PORT: '4000' })).toEqual({
      port: 4000,
      inMemory: false,
      anonymous: false,
      ...DEFAULTS,
    });
    expect(parseArguments(['--port', '5000', '--in-memory'], { PORT: '4000' })).toEqual({
      port: 5000,
      inMemory: true,
      anonymous: false,
      ...DEFAULTS,
    });
    expect(parseArguments(['--port=6000'], {})).toEqual({
      port: 6000,
      inMemory: false,
      anonymous: false,
      ...DEFAULTS,
    });
  });

  it('reads --anonymous', () => {
    expect(parseArguments(['--anonymous'], {})).toEqual({
      port: 3001,
      inMemory: false,
      anonymous: true,
      ...DEFAULTS,
    });
  });

  it('reads --data-dir and --drop-disconnects, with a space or =', () => {
    expect(parseArguments(['--data-dir', '/tmp/chat', '--drop-disconnects', '0.25'], {})).toEqual({
      port: 3001,
      inMemory: false,
      anonymous: false,
      dataDir: '/tmp/chat',
      dropDisconnects: 0.25,
      nest: undefined,
    });
    expect(parseArguments(['--data-dir=/tmp/a=b', '--drop-disconnects=1'], {})).toMatchObject({
      dataDir: '/tmp/a=b',
      dropDisconnects: 1,
    });
  });

  it('reads --nest <file>#<ExportName>', () => {
    expect(
      parseArguments(['--nest', 'examples/nest-chat/chat.module.ts#ChatModule'], {}),
    ).toMatchObject({ nest: 'examples/nest-chat/chat.module.ts#ChatModule' });
  });

  it.each([
    [['--nest']],
    [['--nest', 'examples/nest-chat/chat.module.ts']],
    [['--nest', 'ChatModule']],
    [['--port']],
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--verbose']],
    [['--data-dir']],
    [['--drop-disconnects', '2']],
    [['--drop-disconnects', '-0.5']],
    [['--drop-disconnects', 'half']],
    [['--drop-disconnects']],
    [['--anonymous=yes']],
  ])('rejects %j', (args) => {
    expect(() => parseArguments(args, {})).toThrow();
  });
});
