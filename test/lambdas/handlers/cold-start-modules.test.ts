import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleFunction } from '../../../bench/cold-start/bundle';
import { coldStartEnvironment } from '../../../bench/cold-start/cold-start-suite';
import { type FunctionName, LAMBDA_FUNCTIONS } from '../../../definitions/api';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Loads a bundle in a fresh process, answers one (rejected) empty event, then runs `use`
 * with the module; prints the `@aws-sdk/client-*` packages loaded after each step.
 */
const CHILD_SCRIPT = `
const packages = () => [...new Set(Object.keys(require.cache)
  .map((file) => /node_modules\\/@aws-sdk\\/(client-[a-z-]+)\\//.exec(file)?.[1])
  .filter(Boolean))].sort();
const mod = require(process.argv[1]);
const loaded = packages();
Promise.resolve()
  .then(() => mod.handler({}))
  .catch(() => undefined)
  .then(() => {
    const firstRequest = packages();
    process.stdout.write(JSON.stringify({ loaded, firstRequest }) + '\\n');
  });
`;

describe('Chat functions at cold start', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cold-start-modules-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['message', 'connect', 'worker'] satisfies FunctionName[])(
    '%s loads only the DynamoDB client: the Lambda and management API clients wait for their first use',
    async (name) => {
      // Prepare
      const { file } = await bundleFunction(
        join(ROOT, LAMBDA_FUNCTIONS[name].entry),
        join(dir, name),
      );

      // Act
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD_SCRIPT, file], {
        env: coldStartEnvironment(),
        timeout: 30_000,
      });

      // Assess
      const { loaded, firstRequest } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
      expect(loaded).toEqual(['client-dynamodb']);
      expect(firstRequest).toEqual(['client-dynamodb']);
    },
    60_000,
  );

  it.each(['connect', 'disconnect', 'message', 'worker', 'heartbeat'] satisfies FunctionName[])(
    '%s bundles no in-memory store: its state lives in DynamoDB, whichever container runs an event',
    async (name) => {
      // Prepare
      const { file } = await bundleFunction(
        join(ROOT, LAMBDA_FUNCTIONS[name].entry),
        join(dir, `${name}-sources`),
      );

      // Act
      const { sources } = JSON.parse(await readFile(`${file}.map`, 'utf8')) as {
        sources: string[];
      };

      // Assess
      expect(sources.some((source) => source.endsWith('lambdas/core/server.ts'))).toBe(true);
      expect(sources.filter((source) => /lambdas\/core\/in-memory-/.test(source))).toEqual([]);
    },
    60_000,
  );
});
