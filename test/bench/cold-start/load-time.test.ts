import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunction } from '../../../bench/cold-start/bundle';
import { measureLoadTimes, parseLoadSample } from '../../../bench/cold-start/load-time';

describe('Function: parseLoadSample', () => {
  it('reads the last line of the output', () => {
    expect(parseLoadSample('noise\n{"loadMs":12.5,"firstRequestMs":3}\n')).toEqual({
      loadMs: 12.5,
      firstRequestMs: 3,
    });
  });

  it('rejects anything else', () => {
    expect(() => parseLoadSample('{"loadMs":"fast"}')).toThrow('Unexpected output');
  });
});

describe('Functions: bundleFunction and measureLoadTimes', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-cold-start-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bundles with @aws-sdk external and times fresh loads', async () => {
    // Prepare
    const entry = join(dir, 'entry.ts');
    await writeFile(
      entry,
      "import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n" +
        "export const handler = async (_event: unknown): Promise<string> => 'ok';\n" +
        'export type Client = DynamoDBClient;\n',
    );

    // Act
    const size = await bundleFunction(entry, join(dir, 'out'));
    const samples = await measureLoadTimes(size.file, 2, { PATH: process.env.PATH });

    // Assess
    expect(size.bytes).toBeGreaterThan(0);
    expect(size.gzipBytes).toBeGreaterThan(0);
    expect(size.mapBytes).toBeGreaterThan(0);
    expect(samples).toHaveLength(2);
    for (const sample of samples) {
      expect(sample.loadMs).toBeGreaterThanOrEqual(0);
      expect(sample.firstRequestMs).toBeGreaterThanOrEqual(0);
    }
  });
});
