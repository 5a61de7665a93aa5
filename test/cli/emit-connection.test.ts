import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmitCommand } from '../../cli/emit-arguments';
import { resolveEmitConnection } from '../../cli/emit-connection';
import {
  LOCAL_DISCOVERY_FILE,
  type LocalDiscovery,
  writeLocalDiscovery,
} from '../../cli/local-discovery';
import { UsageError } from '../../cli/usage';

const ENDPOINT = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';
/** A pid no process has: above Linux's pid_max limit. */
const DEAD_PID = 2 ** 22 + 1;

const command = (flags: Partial<EmitCommand> = {}): EmitCommand => ({
  namespace: '/',
  rooms: [],
  connections: [],
  except: [],
  event: 'hello',
  data: 'text',
  json: false,
  ...flags,
});

const local = (pid = process.pid): LocalDiscovery => ({
  tableName: 'apigw-chat-local',
  callbackUrl: 'http://127.0.0.1:3001/local',
  dynamoDbEndpoint: 'http://127.0.0.1:8000',
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  pid,
});

describe('Function: resolveEmitConnection', () => {
  let root: string;
  let cwd: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'emit-connection-'));
    cwd = join(root, 'sub');
    await mkdir(cwd);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('takes the flags, and the region from the endpoint host when nothing else names one', async () => {
    // Act
    const connection = await resolveEmitConnection(
      command({ table: 'Chat', endpoint: ENDPOINT }),
      {},
      cwd,
    );

    // Assess
    expect(connection).toEqual({
      tableName: 'Chat',
      callbackUrl: ENDPOINT,
      region: 'eu-west-1',
      dynamoDbEndpoint: undefined,
      credentials: undefined,
      source: 'flags and environment',
    });
  });

  it('takes TABLE_NAME, CALLBACK_URL and AWS_REGION when no flag is given', async () => {
    // Act
    const connection = await resolveEmitConnection(
      command(),
      { TABLE_NAME: 'EnvTable', CALLBACK_URL: ENDPOINT, AWS_REGION: 'us-west-2' },
      cwd,
    );

    // Assess
    expect(connection).toMatchObject({
      tableName: 'EnvTable',
      callbackUrl: ENDPOINT,
      region: 'us-west-2',
    });
  });

  it('prefers flags to the environment, setting by setting', async () => {
    // Act
    const connection = await resolveEmitConnection(
      command({ table: 'FlagTable', region: 'ap-south-1' }),
      { TABLE_NAME: 'EnvTable', CALLBACK_URL: ENDPOINT, AWS_DEFAULT_REGION: 'us-west-2' },
      cwd,
    );

    // Assess
    expect(connection).toMatchObject({
      tableName: 'FlagTable',
      callbackUrl: ENDPOINT,
      region: 'ap-south-1',
    });
  });

  it("otherwise uses the local runtime's discovery file, found from a subdirectory", async () => {
    // Prepare
    const file = join(root, LOCAL_DISCOVERY_FILE);
    await writeLocalDiscovery(file, local());

    // Act
    const connection = await resolveEmitConnection(command(), { AWS_REGION: 'eu-west-1' }, cwd);

    // Assess
    expect(connection).toEqual({
      tableName: 'apigw-chat-local',
      callbackUrl: 'http://127.0.0.1:3001/local',
      region: 'us-east-1',
      dynamoDbEndpoint: 'http://127.0.0.1:8000',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      source: file,
    });
  });

  it('reads the discovery file APIGW_CHAT_LOCAL_FILE names, relative to the directory', async () => {
    // Prepare
    await writeLocalDiscovery(join(cwd, 'runtime.json'), local());

    // Act
    const connection = await resolveEmitConnection(
      command(),
      { APIGW_CHAT_LOCAL_FILE: 'runtime.json' },
      cwd,
    );

    // Assess
    expect(connection.source).toBe(join(cwd, 'runtime.json'));
  });

  it('never mixes the discovery file with a table or endpoint from flags or environment', async () => {
    // Prepare
    await writeLocalDiscovery(join(root, LOCAL_DISCOVERY_FILE), local());

    // Act / Assess
    await expect(resolveEmitConnection(command({ table: 'Chat' }), {}, cwd)).rejects.toThrow(
      'No @connections endpoint: pass --endpoint or set CALLBACK_URL',
    );
    await expect(resolveEmitConnection(command(), { CALLBACK_URL: ENDPOINT }, cwd)).rejects.toThrow(
      'No table: pass --table or set TABLE_NAME',
    );
  });

  it.each([
    ['nothing is configured', {}, undefined, /Nothing to emit to: .*run `npm start`/],
    [
      'the named file is missing',
      { APIGW_CHAT_LOCAL_FILE: 'none.json' },
      undefined,
      /APIGW_CHAT_LOCAL_FILE=none.json: no such file/,
    ],
    [
      'the local runtime is gone',
      {},
      DEAD_PID,
      /is stale: the local runtime \(pid \d+\) is not running/,
    ],
    [
      'TABLE_NAME is invalid',
      { TABLE_NAME: 'x', CALLBACK_URL: ENDPOINT },
      undefined,
      /Invalid TABLE_NAME/,
    ],
    ['CALLBACK_URL is invalid', { CALLBACK_URL: 'nope' }, undefined, /Invalid CALLBACK_URL/],
    [
      'AWS_REGION is invalid',
      { TABLE_NAME: 'Chat', CALLBACK_URL: ENDPOINT, AWS_REGION: 'Mars' },
      undefined,
      /Invalid AWS_REGION/,
    ],
  ])('refuses with a UsageError when %s', async (_, env, pid, message) => {
    // Prepare
    if (pid !== undefined) await writeLocalDiscovery(join(root, LOCAL_DISCOVERY_FILE), local(pid));

    // Act
    const result = resolveEmitConnection(command(), env, cwd);

    // Assess
    await expect(result).rejects.toThrow(UsageError);
    await expect(result).rejects.toThrow(message);
  });
});
