import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { GatewayLogger } from '../../../local/gateway';
import type { InvocationOutcome } from '../../../local/gateway/lambda-runner';
import { FunctionPool } from '../../../local/lambda/function-pool';
import type { FunctionSpec } from '../../../local/lambda/function-spec';

jest.setTimeout(30_000);

const PROBE = resolve(__dirname, 'fixtures', 'probe.ts');

interface ProbeResult {
  readonly pid: number;
  readonly invocations: number;
  readonly env: Record<string, string>;
}

/** A logger that keeps what it is told. */
function recordingLogger() {
  const lines: string[] = [];
  const logger: GatewayLogger = {
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
  return { logger, lines };
}

function resultOf(outcome: InvocationOutcome): ProbeResult {
  if (outcome.kind !== 'result') throw new Error(`expected a result, got ${outcome.kind}`);
  return outcome.value as ProbeResult;
}

describe('FunctionPool: each function in containers of its own', () => {
  const pools: FunctionPool[] = [];
  const start = (spec: Partial<FunctionSpec> = {}) => {
    const { logger, lines } = recordingLogger();
    const pool = new FunctionPool(
      {
        name: 'probe',
        module: PROBE,
        exportName: 'handler',
        environment: { ONLY_THIS: 'yes' },
        timeoutMs: 10_000,
        memoryMb: 128,
        maxContainers: 4,
        ...spec,
      },
      logger,
    );
    pools.push(pool);
    return { pool, lines };
  };

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });

  it('gives the handler exactly its environment, in a process of its own', async () => {
    // Prepare
    process.env.APIGW_CHAT_TEST_PARENT_ONLY = 'leak';
    const { pool } = start();

    // Act
    const result = resultOf(await pool.invoke({}));

    // Assess
    expect(result.pid).not.toBe(process.pid);
    expect(result.env).toEqual({ ONLY_THIS: 'yes' });
    delete process.env.APIGW_CHAT_TEST_PARENT_ONLY;
  });

  it('reuses a warm container one invocation at a time, and starts another when all are busy', async () => {
    // Prepare
    const { pool, lines } = start();

    // Act
    const first = resultOf(await pool.invoke({}));
    const second = resultOf(await pool.invoke({}));
    const concurrent = (
      await Promise.all([pool.invoke({ sleepMs: 300 }), pool.invoke({ sleepMs: 300 })])
    ).map(resultOf);

    // Assess: one cold start, a warm reuse (module state kept), then a second container.
    expect(second.pid).toBe(first.pid);
    expect([first.invocations, second.invocations]).toEqual([1, 2]);
    expect(new Set(concurrent.map((result) => result.pid)).size).toBe(2);
    expect(pool.coldStarts).toBe(2);
    expect(lines.filter((line) => line.includes('cold start'))).toHaveLength(2);
  });

  it('times out a function given 1 s at 1 s, as Sandbox.Timedout, and discards its container', async () => {
    // Prepare
    const { pool, lines } = start({ timeoutMs: 1_000 });
    const before = resultOf(await pool.invoke({}));

    // Act
    const started = Date.now();
    const outcome = await pool.invoke({ sleepMs: 5_000 });
    const elapsed = Date.now() - started;
    const after = resultOf(await pool.invoke({}));

    // Assess
    expect(outcome).toEqual({ kind: 'timeout', timeoutMs: 1_000 });
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(5_000);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /function probe .*Task timed out after 1\.00 seconds; container discarded/,
      ),
    );
    expect(after.pid).not.toBe(before.pid);
    expect(after.invocations).toBe(1);
  });

  describe('freezing at the return', () => {
    let server: Server;
    let url: string;
    const received: string[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => {
          body += chunk;
        });
        req.on('end', () => {
          received.push(body);
          res.end();
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });

    afterAll(() => {
      server.close();
    });

    it('leaves a post started and not awaited frozen until the next invocation, and warns', async () => {
      // Prepare
      const { pool, lines } = start();
      await pool.invoke({});

      // Act
      await pool.invoke({ leavePostTo: url });
      await new Promise((done) => setTimeout(done, 500));
      const whileFrozen = [...received];
      await pool.invoke({ sleepMs: 200 });

      // Assess: nothing left the frozen container; the next invocation thawed the post.
      expect(whileFrozen).toEqual([]);
      expect(received).toEqual(['late 2']);
      const warning = lines.find((line) => line.startsWith('warn'));
      expect(warning).toMatch(/function probe \(request [^)]+\) returned with work still running/);
      expect(warning).toMatch(
        /unsettled promises? created at test\/local\/lambda\/fixtures\/probe\.ts:\d+/,
      );
      expect(lines.filter((line) => line.startsWith('warn'))).toHaveLength(1);
    });

    it('names no place for a promise left unsettled after the first 32 chains of an invocation, still warns, and locates every chain of that container from then on', async () => {
      // Prepare
      const { pool, lines } = start();

      // Act
      await pool.invoke({ settledChains: 40, leavePostTo: url });
      await pool.invoke({ settledChains: 40, leavePostTo: url });

      // Assess
      const [first, second] = lines.filter((line) => line.startsWith('warn'));
      expect(first).toMatch(
        /unsettled promises? created after the first 32 chains of the invocation, not located .*; this container locates every chain from its next invocation on/,
      );
      expect(first).not.toMatch(/created at test\/local/);
      expect(second).toMatch(
        /unsettled promises? created at test\/local\/lambda\/fixtures\/probe\.ts:\d+/,
      );
      expect(second).not.toMatch(/not located/);
    });

    it('does not warn about a listener left waiting for an event: no work is left running', async () => {
      // Prepare
      const { pool, lines } = start();

      // Act
      await pool.invoke({ leaveListener: true });

      // Assess
      expect(lines.filter((line) => line.startsWith('warn'))).toEqual([]);
    });

    it('warns about a timer left running', async () => {
      // Prepare
      const { pool, lines } = start();

      // Act
      await pool.invoke({ leaveTimerMs: 60_000 });

      // Assess
      expect(lines).toContainEqual(expect.stringMatching(/^warn function probe .*1 timer/));
    });
  });

  it("fails an invocation whose code does not compile with the compiler's message, and runs the code once it does", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pool-test-'));
    const module = join(dir, 'handler.ts');
    writeFileSync(module, 'export const handler = async () => {\n');
    const { pool } = start({ module });

    try {
      // Act
      const broken = await pool.invoke({});
      writeFileSync(module, "export const handler = async () => 'fixed';\n");
      const fixed = await pool.invoke({});

      // Assess
      expect(broken.kind).toBe('error');
      expect((broken as { error: Error }).error.message).toMatch(
        /^Init of function probe failed: its code did not bundle: .*handler\.ts:2:0: ERROR: Unexpected end of file/s,
      );
      expect(fixed).toEqual({ kind: 'result', value: 'fixed' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts Node.js as Lambda's runtime does: a tenth of the memory for the young generation, the rest old, gc() exposed", async () => {
    // Prepare
    const { pool } = start({ memoryMb: 512 });

    // Act
    const result = resultOf(await pool.invoke({ reportNode: true })) as unknown as {
      execArgv: string[];
      gc: string;
      heapLimitMb: number;
    };

    // Assess
    expect(result.execArgv).toEqual(
      expect.arrayContaining([
        '--expose-gc',
        '--max-http-header-size=81920',
        '--max-semi-space-size=25',
        '--max-old-space-size=461',
      ]),
    );
    expect(result.execArgv.join(' ')).not.toMatch(/--max-old-space-size=512/);
    expect(result.gc).toBe('function');
    expect(result.heapLimitMb).toBeGreaterThan(461);
    expect(result.heapLimitMb).toBeLessThan(600);
  });

  it('caps the heap at the memory size: a function over it ends as Runtime.ExitError', async () => {
    // Prepare
    const { pool } = start({ memoryMb: 128 });

    // Act
    const outcome = await pool.invoke({ allocateMb: 600 });

    // Assess
    expect(outcome.kind).toBe('error');
    expect((outcome as { error: Error }).error.name).toBe('Runtime.ExitError');
  });
});
