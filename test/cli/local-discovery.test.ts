import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  findLocalDiscovery,
  LOCAL_DISCOVERY_FILE,
  type LocalDiscovery,
  loadLocalDiscovery,
  readLocalDiscovery,
  removeLocalDiscovery,
  writeLocalDiscovery,
} from '../../cli/local-discovery';

/** A pid no process has: above Linux's pid_max limit. */
const DEAD_PID = 2 ** 22 + 1;

const discovery = (pid = process.pid): LocalDiscovery => ({
  tableName: 'apigw-chat-local',
  callbackUrl: 'http://127.0.0.1:3001/local',
  dynamoDbEndpoint: 'http://127.0.0.1:8000',
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  pid,
});

describe('Local runtime discovery file', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'discovery-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is written as JSON under .apigw-chat/ and read back', async () => {
    // Prepare
    const file = join(root, LOCAL_DISCOVERY_FILE);

    // Act
    await writeLocalDiscovery(file, discovery());

    // Assess
    expect(LOCAL_DISCOVERY_FILE).toBe(join('.apigw-chat', 'local.json'));
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(discovery());
    expect(await readLocalDiscovery(file)).toEqual(discovery());
  });

  it('is found from a subdirectory, and marked running while its writer runs', async () => {
    // Prepare
    const file = join(root, LOCAL_DISCOVERY_FILE);
    await writeLocalDiscovery(file, discovery());
    const sub = join(root, 'lambdas', 'app');
    await mkdir(sub, { recursive: true });

    // Act
    const found = await findLocalDiscovery(sub);

    // Assess
    expect(found).toEqual({ file, discovery: discovery(), running: true });
  });

  it('is marked stale when the process that wrote it is gone', async () => {
    // Prepare
    const file = join(root, 'elsewhere.json');
    await writeLocalDiscovery(file, discovery(DEAD_PID));

    // Act
    const found = await loadLocalDiscovery(file);

    // Assess
    expect(found?.running).toBe(false);
  });

  it('is missing: reads and finds nothing', async () => {
    // Act / Assess
    expect(await readLocalDiscovery(join(root, 'none.json'))).toBeUndefined();
    expect(await loadLocalDiscovery(join(root, 'none.json'))).toBeUndefined();
    expect(await findLocalDiscovery(root)).toBeUndefined();
  });

  it.each([
    ['not JSON', 'nope'],
    ['JSON of another shape', '{"tableName":"t"}'],
  ])('rejects a file that is %s', async (_, text) => {
    // Prepare
    const file = join(root, 'bad.json');
    await writeFile(file, text);

    // Act / Assess
    await expect(readLocalDiscovery(file)).rejects.toThrow(/is not a local runtime discovery file/);
  });

  it('is removed by the process that wrote it, and kept when another one did', async () => {
    // Prepare
    const mine = join(root, 'mine.json');
    const theirs = join(root, 'theirs.json');
    await writeLocalDiscovery(mine, discovery());
    await writeLocalDiscovery(theirs, discovery(DEAD_PID));

    // Act
    await removeLocalDiscovery(mine);
    await removeLocalDiscovery(theirs);
    await removeLocalDiscovery(join(root, 'none.json'));

    // Assess
    expect(await readLocalDiscovery(mine)).toBeUndefined();
    expect(await readLocalDiscovery(theirs)).toEqual(discovery(DEAD_PID));
  });

  it('takes .apigw-chat/ away with the file, unless something else is in it', async () => {
    // Prepare
    const file = join(root, LOCAL_DISCOVERY_FILE);
    const other = join(root, 'other', LOCAL_DISCOVERY_FILE);
    await writeLocalDiscovery(file, discovery());
    await writeLocalDiscovery(other, discovery());
    await writeFile(join(dirname(other), 'keep.txt'), 'x');

    // Act
    await removeLocalDiscovery(file);
    await removeLocalDiscovery(other);

    // Assess
    expect(await readdir(root)).toEqual(['other']);
    expect(await readdir(dirname(other))).toEqual(['keep.txt']);
  });
});
