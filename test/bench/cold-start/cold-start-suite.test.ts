import { bundleFunction } from '../../../bench/cold-start/bundle';
import { measureColdStarts } from '../../../bench/cold-start/cold-start-suite';
import { measureLoadTimes } from '../../../bench/cold-start/load-time';
import { LAMBDA_FUNCTIONS } from '../../../definitions/api';

jest.mock('../../../bench/cold-start/bundle');
jest.mock('../../../bench/cold-start/load-time');
jest.mock('../../../lib/nest-gateway-module', () => ({
  prepareNestGateways: () => ({ entries: { message: `${process.cwd()}/nest/message.ts` } }),
}));
jest.mock('../../../definitions/nest-module', () => ({ parseNestModule: () => ({}) }));

const bundle = jest.mocked(bundleFunction);
const load = jest.mocked(measureLoadTimes);

describe('Function: measureColdStarts', () => {
  beforeEach(() => {
    bundle.mockImplementation(async (_entry, outDir) => ({
      file: `${outDir}/index.js`,
      bytes: 1_000,
      gzipBytes: 400,
      mapBytes: 2_000,
    }));
  });

  afterEach(() => jest.resetAllMocks());

  it('loads every function once per round, so a slow spell falls on all of them alike', async () => {
    // Prepare: each load reports its place in the sequence, source-mapped loads 1,000 ms more.
    let calls = 0;
    load.mockImplementation(async (_file, runs, env) => {
      calls++;
      const base = env.NODE_OPTIONS === '--enable-source-maps' ? 1_000 : 0;
      return Array.from({ length: runs }, () => ({
        loadMs: base + calls,
        firstRequestMs: 1,
      }));
    });
    const functions = Object.keys(LAMBDA_FUNCTIONS).length + 1;

    // Act
    const { rows } = await measureColdStarts({ runs: 3 }, () => undefined);

    // Assess: the discarded loads first, then rounds of every function with and without maps.
    expect(rows).toHaveLength(functions);
    const order = load.mock.calls.map(([file]) => file.split('/').at(-2));
    const names = rows.map((row) => row.function);
    expect(order.slice(0, functions)).toEqual(names);
    const round = names.flatMap((name) => [name, name]);
    expect(order.slice(functions)).toEqual([...round, ...round, ...round]);
    for (const [index, row] of rows.entries()) {
      const first = functions + 2 * index + 1;
      const step = 2 * functions;
      expect(row.samples.withSourceMaps.map((sample) => sample.loadMs)).toEqual([
        1_000 + first,
        1_000 + first + step,
        1_000 + first + 2 * step,
      ]);
      expect(row.loadMsMedian).toBe(1_000 + first + step);
      expect(row.loadMsNoSourceMapsMedian).toBe(first + 1 + step);
    }
  });
});
