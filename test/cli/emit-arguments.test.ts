import { attachValues, parseCliArguments, parseData } from '../../cli/emit-arguments';
import { UsageError } from '../../cli/usage';

const ID = 'R1kmxc2VNjMCFIA=';

/** The command of an emit request; fails the test on anything else. */
function emitOf(argv: string[]) {
  const request = parseCliArguments(argv);
  if (request.kind !== 'emit') throw new Error(`not an emit: ${request.kind}`);
  return request.command;
}

describe('Function: parseData', () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ['[1,"x"]', [1, 'x']],
    ['42', 42],
    ['true', true],
    ['null', null],
    ['"quoted"', 'quoted'],
    ['text', 'text'],
    ['hello world', 'hello world'],
    ['{broken', '{broken'],
    ['', ''],
  ])('reads %j as %j', (text, value) => {
    // Act / Assess
    expect(parseData(text)).toEqual(value);
  });
});

describe('Function: attachValues', () => {
  it('joins value-taking flags with the next word, even one starting with a dash', () => {
    // Act
    const args = attachValues(['emit', '--to', '-Abc1234567890w=', '--json', '--ns', '/', 'hi']);

    // Assess
    expect(args).toEqual(['emit', '--to=-Abc1234567890w=', '--json', '--ns=/', 'hi']);
  });

  it('leaves --key=value, a trailing flag and everything after -- as they are', () => {
    // Act
    const args = attachValues(['--room=a', 'x', '--', '--to', 'y', '--except']);

    // Assess
    expect(args).toEqual(['--room=a', 'x', '--', '--to', 'y', '--except']);
  });
});

describe('Function: parseCliArguments', () => {
  it('takes a connection id that starts with a dash after --to (base64url ids may)', () => {
    // Act
    const request = parseCliArguments(['emit', '--to', '-Abc1234567890w=', 'hello']);

    // Assess
    expect(request).toMatchObject({ kind: 'emit', command: { connections: ['-Abc1234567890w='] } });
  });

  it('reads the issue example: namespace, room, event and text data', () => {
    // Act
    const command = emitOf(['emit', '--ns', '/notification', '--room', 'room1', 'hello', 'text']);

    // Assess
    expect(command).toEqual({
      namespace: '/notification',
      rooms: ['room1'],
      connections: [],
      except: [],
      event: 'hello',
      data: 'text',
      json: false,
    });
  });

  it('reads --ack as the milliseconds to wait for answers, and leaves it out otherwise', () => {
    expect(emitOf(['emit', '--ack', '5000', 'verdict'])).toMatchObject({ ackTimeoutMs: 5_000 });
    expect(emitOf(['emit', 'verdict']).ackTimeoutMs).toBeUndefined();
  });

  it('defaults to namespace / and no data', () => {
    // Act
    const command = emitOf(['emit', 'ping']);

    // Assess
    expect(command).toMatchObject({ namespace: '/', rooms: [], event: 'ping', data: undefined });
  });

  it('repeats --room, --to and --except, and reads --key=value forms', () => {
    // Act
    const command = emitOf([
      'emit',
      '--room=a',
      '--room',
      'b',
      '--to',
      ID,
      '--except',
      'muted',
      '--except',
      ID,
      'news',
      '{"id":7}',
    ]);

    // Assess
    expect(command).toMatchObject({
      rooms: ['a', 'b'],
      connections: [ID],
      except: ['muted', ID],
      data: { id: 7 },
    });
  });

  it('reads --table, --endpoint, --region and --json', () => {
    // Act
    const command = emitOf([
      'emit',
      '--table',
      'ApigwChat-Table1',
      '--endpoint',
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      '--region',
      'eu-west-1',
      '--json',
      'x',
    ]);

    // Assess
    expect(command).toMatchObject({
      table: 'ApigwChat-Table1',
      endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      region: 'eu-west-1',
      json: true,
    });
  });

  it('takes data that starts with a dash after --', () => {
    // Act
    const command = emitOf(['emit', '--room', 'r', '--', 'count', '-5']);

    // Assess
    expect(command).toMatchObject({ event: 'count', data: -5, rooms: ['r'] });
  });

  it.each([[['--help']], [['-h']], [['emit', '--help']]])(
    'reads %j as a request for help',
    (argv) => {
      // Act / Assess
      expect(parseCliArguments(argv)).toEqual({ kind: 'help' });
    },
  );

  it.each([
    [[], /Missing command/],
    [['send', 'x'], /Unknown command "send"/],
    [['emit'], /Missing <event>/],
    [['emit', 'hello', 'two', 'words'], /Unexpected argument "words": quote the data/],
    [['emit', '--verbose', 'x'], /Unknown option '--verbose'/],
    [['emit', '--room'], /--room/],
    [['emit', '--ns', 'notification', 'x'], /Invalid --ns "notification": namespace names/],
    [['emit', '--room', '', 'x'], /Invalid --room "": /],
    [['emit', '--room', 'ok', '--room', 'x'.repeat(129), 'x'], /Invalid --room "x{129}"/],
    [['emit', '--to', 'room1', 'x'], /Invalid --to "room1": connection ids/],
    [['emit', '--except', '', 'x'], /Invalid --except ""/],
    [['emit', 'has space'], /Invalid <event> "has space": event names/],
    [['emit', 'error'], /Invalid <event> "error": reserved event name/],
    [['emit', '--table', 'x', 'e'], /Invalid --table "x": table names/],
    [['emit', '--endpoint', 'ftp://example.com/prod', 'e'], /Invalid --endpoint/],
    [['emit', '--region', 'Mars', 'e'], /Invalid --region "Mars": regions look like/],
    [['emit', '--ack', '0', 'e'], /Invalid --ack 0/],
    [['emit', '--ack', '9001', 'e'], /Invalid --ack 9001/],
    [['emit', '--ack', 'soon', 'e'], /Invalid --ack null/],
  ])('refuses %j with a UsageError naming the problem', (argv, message) => {
    // Act / Assess
    expect(() => parseCliArguments(argv)).toThrow(UsageError);
    expect(() => parseCliArguments(argv)).toThrow(message);
  });
});
