import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_STACK_CONFIG, InvalidContextError, readStackConfig } from '../../lib/stack-config';

function contextOf(values: Record<string, unknown>) {
  return { tryGetContext: (key: string): unknown => values[key] };
}

describe('Function: readStackConfig', () => {
  it('falls back to the defaults when no context is set', () => {
    // Act
    const config = readStackConfig(contextOf({}));

    // Assess
    expect(config).toEqual({
      stageName: 'dev',
      throttlingRateLimit: 500,
      throttlingBurstLimit: 1000,
      removalPolicy: 'destroy',
      authMode: 'cognito',
      cognitoDomainPrefix: undefined,
      jwtIssuer: undefined,
      jwtAudience: undefined,
      jwtClientId: undefined,
      jwtTokenUse: undefined,
      tokenMaxAgeSeconds: 86_400,
      alarmEmail: undefined,
      privateRooms: {},
      historyRetentionSeconds: 86_400,
      historyMaxLength: 1_000,
      maxConnectionsPerUser: 10,
      userMessageLimit: 20,
      userMessageWindowSeconds: 2,
      userDeliveryLimit: 30_000,
      userDeliveryWindowSeconds: 60,
      greetingIntervalSeconds: 60,
      maxRoomsPerSocket: 100,
    });
  });

  it('reads the per-user limits, as numbers or strings, and refuses bad ones', () => {
    // Act
    const config = readStackConfig(
      contextOf({
        maxConnectionsPerUser: '3',
        userMessageLimit: 5,
        userMessageWindowSeconds: 15,
        userDeliveryLimit: '900',
        userDeliveryWindowSeconds: 30,
        greetingIntervalSeconds: 5,
        maxRoomsPerSocket: '20',
      }),
    );

    // Assess
    expect(config).toMatchObject({
      maxConnectionsPerUser: 3,
      userMessageLimit: 5,
      userMessageWindowSeconds: 15,
      userDeliveryLimit: 900,
      userDeliveryWindowSeconds: 30,
      greetingIntervalSeconds: 5,
      maxRoomsPerSocket: 20,
    });
    for (const bad of [0, -1, 1.5, 'ten'])
      expect(() => readStackConfig(contextOf({ maxRoomsPerSocket: bad }))).toThrow(
        InvalidContextError,
      );
    for (const bad of [0, -1, 1.5, 'ten'])
      expect(() => readStackConfig(contextOf({ maxConnectionsPerUser: bad }))).toThrow(
        InvalidContextError,
      );
    expect(() =>
      readStackConfig(contextOf({ userMessageWindowSeconds: 7, userDeliveryWindowSeconds: 60 })),
    ).toThrow('a multiple of userMessageWindowSeconds (7)');
  });

  it('reads the history retention and length, as numbers or strings, and refuses non-positive ones', () => {
    // Act
    const config = readStackConfig(
      contextOf({ historyRetentionSeconds: '3600', historyMaxLength: 50 }),
    );

    // Assess
    expect(config).toMatchObject({ historyRetentionSeconds: 3600, historyMaxLength: 50 });
    for (const bad of [0, -1, 1.5, 'a day'])
      expect(() => readStackConfig(contextOf({ historyMaxLength: bad }))).toThrow(
        InvalidContextError,
      );
  });

  it('reads privateRooms as an object or as JSON text, and refuses anything else', () => {
    // Prepare
    const rooms = { 'private:ops': ['alice', 'bob'] };

    // Act
    const fromObject = readStackConfig(contextOf({ privateRooms: rooms }));
    const fromText = readStackConfig(contextOf({ privateRooms: JSON.stringify(rooms) }));

    // Assess
    expect(fromObject.privateRooms).toEqual(rooms);
    expect(fromText.privateRooms).toEqual(rooms);
    for (const bad of ['{not json', { ops: ['alice'] }, { 'private:ops': 'alice' }, [1]]) {
      expect(() => readStackConfig(contextOf({ privateRooms: bad }))).toThrow('privateRooms');
    }
  });

  it('has defaults equal to the context of cdk.json', () => {
    // Prepare
    const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));

    // Act
    const config = readStackConfig(contextOf(cdkJson.context));

    // Assess
    expect(config).toEqual(DEFAULT_STACK_CONFIG);
  });

  it('parses numbers given as strings on the command line', () => {
    // Act
    const config = readStackConfig(
      contextOf({ throttlingRateLimit: ' 12.5 ', throttlingBurstLimit: '0', stageName: 'prod_2' }),
    );

    // Assess
    expect(config).toMatchObject({
      throttlingRateLimit: 12.5,
      throttlingBurstLimit: 0,
      stageName: 'prod_2',
    });
  });

  it.each(['destroy', 'retain', 'snapshot'])('accepts removalPolicy=%s', (removalPolicy) => {
    // Act / Assess
    expect(readStackConfig(contextOf({ removalPolicy })).removalPolicy).toBe(removalPolicy);
  });

  it.each([
    ['throttlingRateLimit', ''],
    ['throttlingRateLimit', '1e3'],
    ['throttlingRateLimit', Number.POSITIVE_INFINITY],
    ['throttlingRateLimit', true],
    ['throttlingBurstLimit', -5],
    ['throttlingBurstLimit', '2.5'],
    ['removalPolicy', 'DESTROY'],
    ['stageName', ''],
    ['stageName', 'a'.repeat(129)],
    ['stageName', 42],
  ])('rejects %s=%p with a message naming the key', (key, value) => {
    // Act
    const read = () => readStackConfig(contextOf({ [key]: value }));

    // Assess
    expect(read).toThrow(InvalidContextError);
    expect(read).toThrow(`Invalid CDK context "${key}"`);
  });
});
