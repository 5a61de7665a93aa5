import {
  DEFAULT_PLAN,
  expectedTotals,
  parseLoadArguments,
  roomIndexOf,
} from '../../../bench/load/load-plan';

describe('Function: parseLoadArguments', () => {
  it('defaults to 40 clients, 8 rooms, 20 messages, 1 in flight, 120 s', () => {
    expect(parseLoadArguments([])).toEqual({
      clients: 40,
      rooms: 8,
      messages: 20,
      concurrency: 1,
      timeoutS: 120,
      json: false,
      verbose: false,
    });
  });

  it('reads --flag value and --flag=value', () => {
    // Act
    const plan = parseLoadArguments([
      '--clients',
      '6',
      '--rooms=2',
      '--messages',
      '3',
      '--concurrency=4',
      '--timeout-s',
      '30',
      '--url',
      'ws://127.0.0.1:3001/local?ns=/',
      '--json',
      '--verbose',
    ]);

    // Assess
    expect(plan).toEqual({
      clients: 6,
      rooms: 2,
      messages: 3,
      concurrency: 4,
      timeoutS: 30,
      url: 'ws://127.0.0.1:3001/local',
      json: true,
      verbose: true,
    });
  });

  it.each([
    [['--clients']],
    [['--clients', '0']],
    [['--clients', '-3']],
    [['--rooms', '1.5']],
    [['--messages', 'many']],
    [['--timeout-s', '99999']],
    [['--json=yes']],
    [['--url', 'http://127.0.0.1:3001/local']],
    [['--url', 'ws://example.com/local']],
    [['--port', '3001']],
  ])('rejects %j', (args) => {
    expect(() => parseLoadArguments(args)).toThrow();
  });

  it('leaves the defaults untouched', () => {
    parseLoadArguments(['--clients', '2']);
    expect(DEFAULT_PLAN.clients).toBe(40);
  });
});

describe('Function: roomIndexOf', () => {
  it('deals clients round-robin', () => {
    expect([0, 1, 2, 3, 4].map((client) => roomIndexOf(client, 2))).toEqual([0, 1, 0, 1, 0]);
  });
});

describe('Function: expectedTotals', () => {
  it('expects each message in every other member of the room', () => {
    // 5 clients in 2 rooms: sizes 3 and 2, so 3*2 + 2*1 deliveries per round.
    expect(expectedTotals({ clients: 5, rooms: 2, messages: 4 })).toEqual({
      messages: 20,
      deliveries: 32,
    });
    expect(expectedTotals({ clients: 40, rooms: 8, messages: 20 })).toEqual({
      messages: 800,
      deliveries: 3_200,
    });
  });

  it('counts nothing for rooms of one or none', () => {
    expect(expectedTotals({ clients: 2, rooms: 3, messages: 5 })).toEqual({
      messages: 10,
      deliveries: 0,
    });
  });
});
