import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { START_USAGE } from '../../local/start-usage';
import { TOKEN_USAGE } from '../../local/token-usage';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

describe('--help of the local commands, run as a user types them', () => {
  it.each([
    ['npm start -- --help', ['start', '--', '--help'], START_USAGE],
    ['npm run token -- --help', ['run', 'token', '--', '--help'], TOKEN_USAGE],
    ['npm run token -- -h', ['run', 'token', '--', '-h'], TOKEN_USAGE],
  ])('%s prints the usage and exits 0', async (_command, args, usage) => {
    // Act
    const { stdout, stderr } = await run('npm', ['--silent', ...args], { cwd: ROOT });

    // Assess
    expect(stdout).toBe(usage);
    expect(stderr).toBe('');
  });
});
