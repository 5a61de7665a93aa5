import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { InvocationOutcome } from '../gateway/lambda-runner';
import { type AnswerLine, deserializeError, type InvokeLine } from './container-protocol';
import type { ContainerCode } from './function-bundler';
import type { FunctionSpec } from './function-spec';

/** Lambda's limit on the init phase of an on-demand function. */
const INIT_TIMEOUT_MS = 10_000;

/** One invocation's outcome with what the container reported about it. */
export interface ContainerInvocation {
  readonly outcome: InvocationOutcome;
  /** Work the handler left running at its return (now frozen). */
  readonly pending: readonly string[];
  readonly durationMs: number;
  readonly memoryUsedMb: number | undefined;
}

/**
 * The Node.js options Lambda's Node.js runtime starts a function with (the `bootstrap` of AWS's
 * Node.js base images): a tenth of the memory for the young generation (two semi-spaces), the
 * rest for the old one, `gc()` exposed, 80 KB of HTTP headers. V8's own default for a 512 MB
 * old space is a 4 MB semi-space, a sixth of Lambda's: more scavenges, more promotion.
 *
 * @example
 * lambdaNodeArguments(512); // ['--expose-gc', '--max-http-header-size=81920', '--max-semi-space-size=25', '--max-old-space-size=461']
 */
export function lambdaNodeArguments(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/** Where a container's stdout and stderr lines go. */
export type ContainerOutput = (line: string, stream: 'stdout' | 'stderr') => void;

/**
 * One execution environment of a function: a Node.js process of its own with exactly the
 * function's environment variables, its heap sized from the function's memory as Lambda's
 * runtime sizes it (`lambdaNodeArguments`), its own
 * module instances and SDK clients. It runs one invocation at a time and is frozen between
 * them (see `container-main.ts`). A timeout or a crash kills it; `kill()` ends it.
 *
 * @example
 * const container = await Container.start(spec, await bundler.code(spec.module), (line) => console.log(line));
 * const { outcome, pending } = await container.invoke(event, awsRequestId);
 */
export class Container {
  private exited = false;
  /** Invocations served so far. */
  invocations = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly spec: FunctionSpec,
    /** How long the module took to load (Lambda's Init Duration). */
    readonly initMs: number,
    private readonly answers: AsyncIterator<string>,
    private readonly exit: Promise<string>,
  ) {
    void exit.then(() => {
      this.exited = true;
    });
  }

  /**
   * Spawns the process on `code` (the bundles of the runtime's main and of the handler) and
   * waits for the handler module to load. Source maps are on, so stack traces name the sources.
   */
  static async start(
    spec: FunctionSpec,
    code: ContainerCode,
    output: ContainerOutput,
  ): Promise<Container> {
    const child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        ...lambdaNodeArguments(spec.memoryMb),
        code.main,
        code.handler,
        spec.exportName,
        spec.name,
        String(spec.memoryMb),
        spec.module,
      ],
      {
        env: { ...spec.environment },
        // Its own process group: a terminal's Ctrl-C reaches the runtime, which ends containers in order.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'pipe', 'pipe'],
      },
    );
    // A killed process resets its pipes: that is how it ends, not an error of the runtime.
    for (const stream of child.stdio) stream?.on('error', () => undefined);
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: child[stream] as Readable });
      lines.on('line', (line) => output(line, stream));
    }
    const exit = new Promise<string>((resolveExit) => {
      child.once('exit', (code, signal) =>
        resolveExit(signal ? `signal ${signal}` : `exit code ${code}`),
      );
      child.once('error', (error) => resolveExit(error.message));
    });
    const answers = createInterface({
      input: (child.stdio as unknown as Readable[])[5] as Readable,
    })[Symbol.asyncIterator]();
    const first = await readAnswer(answers, INIT_TIMEOUT_MS);
    if (typeof first === 'string' || first.type !== 'ready') {
      child.kill('SIGKILL');
      const reason =
        first === 'timeout'
          ? `the module did not load within ${INIT_TIMEOUT_MS} ms`
          : first === 'closed'
            ? `the process exited (${await exit})`
            : first.type === 'init-error'
              ? `${first.error.name}: ${first.error.message}`
              : 'it answered before loading';
      throw new Error(`Init of function ${spec.name} failed: ${reason}`);
    }
    return new Container(child, spec, first.initMs, answers, exit);
  }

  /** Whether the process is still there to take an invocation. */
  get alive(): boolean {
    return !this.exited;
  }

  /**
   * Runs one invocation. Past the function timeout the process is killed and the outcome is
   * `timeout`; a crash (e.g. out of memory) is an `error` named `Runtime.ExitError`.
   */
  async invoke(
    event: unknown,
    awsRequestId: string,
    traceHeader?: string,
  ): Promise<ContainerInvocation> {
    this.invocations += 1;
    const started = performance.now();
    const line: InvokeLine = {
      awsRequestId,
      deadline: Date.now() + this.spec.timeoutMs,
      event,
      ...(traceHeader === undefined ? {} : { traceHeader }),
    };
    (this.child.stdio[4] as Writable).write(`${JSON.stringify(line)}\n`);
    const answer = await readAnswer(this.answers, this.spec.timeoutMs);
    const durationMs = performance.now() - started;
    if (typeof answer !== 'string' && answer.type === 'done') {
      const outcome: InvocationOutcome =
        answer.outcome.kind === 'result'
          ? answer.outcome
          : { kind: 'error', error: deserializeError(answer.outcome.error) };
      return { outcome, pending: answer.pending, durationMs, memoryUsedMb: answer.memoryUsedMb };
    }
    if (answer === 'timeout' || typeof answer !== 'string') {
      this.kill();
      return {
        outcome: { kind: 'timeout', timeoutMs: this.spec.timeoutMs },
        pending: [],
        durationMs,
        memoryUsedMb: undefined,
      };
    }
    // The process is gone (e.g. out of memory): Lambda reports Runtime.ExitError.
    const error = new Error(
      `RequestId: ${awsRequestId} Error: Runtime exited with ${await this.exit}`,
    );
    error.name = 'Runtime.ExitError';
    return { outcome: { kind: 'error', error }, pending: [], durationMs, memoryUsedMb: undefined };
  }

  /** Ends the process at once (a frozen one too). */
  kill(): void {
    if (this.exited) return;
    this.exited = true;
    this.child.kill('SIGKILL');
  }
}

/** The next answer line, `timeout`, or `closed` when the process is gone. */
async function readAnswer(
  answers: AsyncIterator<string>,
  timeoutMs: number,
): Promise<AnswerLine | 'timeout' | 'closed'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => done('timeout'), timeoutMs);
  });
  const next = answers
    .next()
    .then((result) => (result.done ? 'closed' : (JSON.parse(result.value) as AnswerLine)));
  const answer = await Promise.race([next, timeout]);
  clearTimeout(timer);
  return answer;
}
