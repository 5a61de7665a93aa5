import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIssuerKeys, type IssuerKeys } from '../../../local/oidc/issuer-keys';
import { watchIssuerKeys } from '../../../local/oidc/issuer-keys-watcher';

jest.setTimeout(20_000);

const until = async (check: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('Function: watchIssuerKeys', () => {
  let dir: string;
  let file: string;
  let stop: (() => void) | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'issuer-keys-'));
    file = join(dir, 'oidc', 'keys.json');
  });

  afterEach(async () => {
    stop?.();
    await rm(dir, { recursive: true, force: true });
  });

  const write = (keys: IssuerKeys) => writeFile(file, JSON.stringify(keys), { mode: 0o600 });

  /** Watches `file` starting from `first`, recording every rotation and report. */
  const watch = async (first: IssuerKeys) => {
    const rotations: IssuerKeys[] = [];
    const reports: string[] = [];
    stop = await watchIssuerKeys(
      first,
      (keys) => rotations.push(keys),
      (m) => reports.push(m),
      file,
    );
    return { rotations, reports };
  };

  it('hands over the keys of a replaced file, and fresh ones (written back) when it is removed', async () => {
    // Prepare
    const first = await generateIssuerKeys();
    const { rotations, reports } = await watch(first);
    await write(first);
    const second = await generateIssuerKeys();

    // Act: replaced
    await write(second);
    await until(() => rotations.length === 1, 'the rotation to the replaced key');

    // Act: removed
    await rm(file);
    await until(() => rotations.length === 2, 'the rotation to a fresh key');

    // Assess
    expect(rotations[0]?.signingKey.kid).toBe(second.signingKey.kid);
    const fresh = rotations[1] as IssuerKeys;
    expect([first.signingKey.kid, second.signingKey.kid]).not.toContain(fresh.signingKey.kid);
    expect(JSON.parse(await readFile(file, 'utf8')).signingKey.kid).toBe(fresh.signingKey.kid);
    expect(reports).toEqual([
      expect.stringContaining('Issuer key changed'),
      expect.stringContaining('Issuer key changed'),
    ]);
  });

  it('keeps the current key, and says so, when the file turns unreadable', async () => {
    const first = await generateIssuerKeys();
    const { rotations, reports } = await watch(first);
    await writeFile(file, 'not json');
    await until(() => reports.length > 0, 'a report');
    expect(rotations).toEqual([]);
    expect(reports[0]).toMatch(/unreadable, keeping the current key/);
  });
});
