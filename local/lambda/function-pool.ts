import { newLambdaRequestId } from '../gateway/ids';
import type {
  HostedFunction,
  HostedInvokeOptions,
  InvocationOutcome,
} from '../gateway/lambda-runner';
import type { GatewayLogger } from '../gateway/logger';
import { Container } from './container';
import { type ContainerCode, FunctionBundler } from './function-bundler';
import type { FunctionSpec } from './function-spec';

/** Options of a `FunctionPool`. */
export interface FunctionPoolOptions {
  /** Bundles the handler for containers. Default: the process's shared bundler. */
  readonly bundler?: FunctionBundler;
}

/**
 * The containers of one function, reused while warm as Lambda reuses execution
 * environments: an invocation takes an idle container, or starts a new one (a cold start)
 * when all are busy, up to `spec.maxContainers` (beyond that it waits for one). A container
 * that timed out or crashed is discarded. The handler is bundled once per generation of code,
 * starting at construction, so the first cold start does not wait for it. `reload()` retires
 * every container and bundles afresh, so the next invocations load the handler's code as it is
 * now while running ones finish undisturbed.
 *
 * @example
 * const pool = new FunctionPool(spec, logger);
 * const outcome = await pool.invoke({ requestContext: { routeKey: '$default' } });
 * await pool.close();
 */
export class FunctionPool implements HostedFunction {
  private readonly idle: Container[] = [];
  private readonly busy = new Set<Container>();
  private readonly waiting: (() => void)[] = [];
  private readonly generationOf = new WeakMap<Container, number>();
  private generation = 0;
  private starting = 0;
  private started = 0;
  private closed = false;
  private readonly bundler: FunctionBundler;
  private code: Promise<ContainerCode> | undefined;

  constructor(
    readonly spec: FunctionSpec,
    private readonly logger: GatewayLogger,
    options: FunctionPoolOptions = {},
  ) {
    this.bundler = options.bundler ?? FunctionBundler.shared();
    // Bundled ahead; a failure is reported by the invocation that needs the code.
    this.currentCode().catch(() => undefined);
  }

  /** Containers started so far (every one was a cold start). */
  get coldStarts(): number {
    return this.started;
  }

  async invoke(event: unknown, options: HostedInvokeOptions = {}): Promise<InvocationOutcome> {
    const awsRequestId = newLambdaRequestId();
    let container: Container;
    try {
      container = await this.acquire();
    } catch (error) {
      return { kind: 'error', error };
    }
    const { outcome, pending } = await container.invoke(event, awsRequestId, options.traceHeader);
    const { name } = this.spec;
    if (pending.length > 0) {
      warn(
        this.logger,
        `function ${name} (request ${awsRequestId}) returned with work still running: ${pending.join('; ')}. ` +
          'Lambda freezes the execution environment when the handler returns: this work is frozen ' +
          "until this container's next invocation, and lost if the container is discarded. Await it before returning.",
      );
    }
    if (outcome.kind === 'timeout') {
      this.logger.error(
        `function ${name} (request ${awsRequestId}): Task timed out after ${(outcome.timeoutMs / 1000).toFixed(2)} seconds; container discarded`,
      );
    }
    this.release(container);
    return outcome;
  }

  /** Retires every container: the next invocations start new ones with the code as it is now. */
  reload(): void {
    this.generation += 1;
    this.code = undefined;
    this.currentCode().catch(() => undefined);
    for (const container of this.idle.splice(0)) container.kill();
  }

  /** Kills every container, the busy ones too; invocations waiting for one fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const container of [...this.idle.splice(0), ...this.busy]) container.kill();
    this.busy.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async acquire(): Promise<Container> {
    for (;;) {
      if (this.closed) throw new Error(`function ${this.spec.name} is shut down`);
      const warm = this.idle.pop();
      if (warm !== undefined) {
        if (!warm.alive) continue;
        this.busy.add(warm);
        return warm;
      }
      if (this.busy.size + this.starting < this.spec.maxContainers) return this.startContainer();
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private async startContainer(): Promise<Container> {
    this.starting += 1;
    const generation = this.generation;
    try {
      let code: ContainerCode;
      try {
        code = await this.currentCode();
      } catch (error) {
        throw new Error(
          `Init of function ${this.spec.name} failed: its code did not bundle: ${messageOf(error)}`,
        );
      }
      const container = await Container.start(this.spec, code, (line, stream) =>
        stream === 'stdout'
          ? this.logger.info(`[${this.spec.name}] ${line}`)
          : this.logger.error(`[${this.spec.name}] ${line}`),
      );
      this.started += 1;
      this.generationOf.set(container, generation);
      this.logger.info(
        `function ${this.spec.name}: cold start, container ${this.started} (init ${container.initMs} ms)`,
      );
      if (this.closed) {
        container.kill();
        throw new Error(`function ${this.spec.name} is shut down`);
      }
      this.busy.add(container);
      return container;
    } catch (error) {
      this.waiting.shift()?.();
      throw error;
    } finally {
      this.starting -= 1;
    }
  }

  /** The bundle of this generation's code; a failed bundle is tried again by the next caller. */
  private currentCode(): Promise<ContainerCode> {
    if (this.code === undefined) {
      const code = this.bundler.code(this.spec.module);
      this.code = code;
      code.catch(() => {
        if (this.code === code) this.code = undefined;
      });
    }
    return this.code;
  }

  private release(container: Container): void {
    this.busy.delete(container);
    const current = this.generationOf.get(container) === this.generation;
    if (container.alive && current && !this.closed) this.idle.push(container);
    else container.kill();
    this.waiting.shift()?.();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function warn(logger: GatewayLogger, message: string): void {
  if (logger.warn) logger.warn(message);
  else logger.error(`WARNING ${message}`);
}
