import Module from 'node:module';
import type fc from 'fast-check';

/** What a fuzz test file uses of its set-up. */
export interface Fuzzing {
  /** fast-check parameters: the fixed seed and `numRuns` scaled by FUZZ_RUNS. */
  runs(numRuns: number): fc.Parameters<unknown>;
  /** Every promise rejected without a handler since the last test ended. */
  readonly unhandled: unknown[];
  /** Resolves once the callbacks already queued have run (and their rejections are seen). */
  settle(): Promise<unknown>;
}

/**
 * The set-up of a property-based test file. Runs are reproducible: the seed is fixed
 * (override with FUZZ_SEED, scale the run counts with FUZZ_RUNS=10) and fast-check prints
 * seed, path and the shrunk counterexample on failure. Every test fails if a promise was
 * rejected without a handler while it ran. Call it once, at the top level of the file.
 *
 * @example
 * const { runs } = setUpFuzzing();
 * fc.assert(fc.property(fc.string(), (text) => parse(text) !== undefined), runs(200));
 */
export function setUpFuzzing(): Fuzzing {
  const seed = Number(process.env.FUZZ_SEED ?? 20_260_522);
  const scale = Number(process.env.FUZZ_RUNS ?? 1);
  // Shrinking a counterexample, or a busy machine, may outlast Jest's default of 5 s.
  jest.setTimeout(60_000 * Math.max(1, scale));

  // Jest hands each test file a copy of `process` that never emits; Node's own loader returns
  // the real one, on which an unhandled rejection is reported.
  const realProcess = (Module as unknown as { _load(request: string): NodeJS.Process })._load(
    'process',
  );
  const unhandled: unknown[] = [];
  const onUnhandledRejection = (reason: unknown): void => {
    unhandled.push(reason);
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  beforeAll(() => {
    realProcess.on('unhandledRejection', onUnhandledRejection);
  });

  afterEach(async () => {
    await settle();
    expect(unhandled.splice(0)).toEqual([]);
  });

  afterAll(() => {
    realProcess.off('unhandledRejection', onUnhandledRejection);
  });

  return {
    runs: (numRuns) => ({ seed, numRuns: Math.ceil(numRuns * scale) }),
    unhandled,
    settle,
  };
}
