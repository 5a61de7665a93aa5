import { newLambdaRequestId } from './ids';
import { createLambdaContext, type LambdaEnvironment } from './lambda-context';
import { callHandler, type LambdaHandler } from './lambda-handler';
import type { GatewayLogger } from './logger';

/** How one invocation ended. A runner never rejects: handler errors become `error` outcomes. */
export type InvocationOutcome =
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'not-found' };

/** How one invocation is made and reported. */
export interface InvokeOptions {
  /**
   * Errors that are the function's answer rather than a failure, such as an authorizer's
   * `Error('Unauthorized')`: returned as `error` outcomes like any other, but not logged.
   */
  readonly isAnswer?: (error: unknown) => boolean;
  /**
   * The caller's `X-Amzn-Trace-Id` (a traced SDK client's `Invoke`): a traced function's
   * invocation joins that trace, as on AWS.
   */
  readonly traceHeader?: string;
}

/** What a hosted function's invocation carries besides its event. */
export type HostedInvokeOptions = Pick<InvokeOptions, 'traceHeader'>;

/**
 * A function that runs outside this process (e.g. in containers of its own, see
 * `local/lambda/function-pool.ts`), with its own timeout.
 */
export interface HostedFunction {
  invoke(event: unknown, options?: HostedInvokeOptions): Promise<InvocationOutcome>;
  /** Ends whatever runs the function. */
  close(): Promise<void>;
}

/** A handler run in this process, or a function hosted elsewhere. */
export type RunnableFunction = LambdaHandler | HostedFunction;

export interface LambdaRunnerOptions {
  readonly environment: LambdaEnvironment;
  /** In-process handlers' timeout: past it the invocation ends as `timeout` (the handler keeps running). */
  readonly timeoutMs: number;
  /** Delays before the retries of a failed asynchronous invocation; Lambda retries twice. */
  readonly asyncRetryDelaysMs: readonly number[];
  readonly logger: GatewayLogger;
}

/**
 * Runs Lambda functions, handlers in this process (with a realistic context and a function
 * timeout) or hosted ones, with Lambda's retries for asynchronous invocations. Errors never
 * escape.
 *
 * @example
 * const runner = new LambdaRunner({ environment, timeoutMs: 3000, asyncRetryDelaysMs: [60_000, 120_000], logger });
 * runner.register({ message: async (event) => ({ statusCode: 200 }) });
 * const outcome = await runner.invoke('message', event);
 */
export class LambdaRunner {
  private readonly functions = new Map<string, RunnableFunction>();
  private readonly inFlight = new Set<Promise<InvocationOutcome>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Asynchronous invocations accepted and about to start (not their retries). */
  private readonly starting = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: LambdaRunnerOptions) {}

  /** Adds or replaces functions by name; a replaced hosted function is closed. */
  register(functions: Readonly<Partial<Record<string, RunnableFunction>>>): void {
    for (const [name, fn] of Object.entries(functions)) {
      if (fn === undefined) continue;
      const replaced = this.functions.get(name);
      if (replaced !== undefined && replaced !== fn && typeof replaced !== 'function') {
        void replaced.close();
      }
      this.functions.set(name, fn);
    }
  }

  /** Whether a handler is registered under `name`. */
  has(name: string): boolean {
    return this.functions.has(name);
  }

  /**
   * Invokes synchronously (RequestResponse) and resolves with the outcome.
   *
   * @example
   * const outcome = await runner.invoke('connect', connectEvent);
   * if (outcome.kind === 'result') console.log(outcome.value);
   */
  invoke(name: string, event: unknown, options: InvokeOptions = {}): Promise<InvocationOutcome> {
    const fn = this.functions.get(name);
    if (fn === undefined) {
      this.options.logger.error(`function ${name} is not registered`);
      return Promise.resolve({ kind: 'not-found' });
    }
    const running =
      typeof fn === 'function'
        ? this.run(name, fn, event, options)
        : this.runHosted(name, fn, event, options);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    return running;
  }

  /**
   * Invokes asynchronously (Event): returns at once, runs the handler soon after, and retries
   * a failed invocation after each of `asyncRetryDelaysMs`.
   *
   * @example
   * runner.invokeAsync('worker', { connectionId, frames });
   */
  invokeAsync(name: string, event: unknown, options: InvokeOptions = {}, attempt = 0): void {
    if (this.stopped) return;
    const timer = setTimeout(async () => {
      this.retryTimers.delete(timer);
      this.starting.delete(timer);
      const outcome = await this.invoke(name, event, options);
      const delay = this.options.asyncRetryDelaysMs[attempt];
      if (outcome.kind === 'error' || outcome.kind === 'timeout') {
        if (delay === undefined || this.stopped) return;
        const retry = setTimeout(() => {
          this.retryTimers.delete(retry);
          this.invokeAsync(name, event, options, attempt + 1);
        }, delay);
        this.retryTimers.add(retry);
      }
    }, 0);
    this.retryTimers.add(timer);
    this.starting.add(timer);
  }

  /**
   * Resolves once no invocation is running or about to start (an asynchronous one accepted),
   * including those started meanwhile; retries waiting for their delay are not waited for.
   */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0 || (this.starting.size > 0 && !this.stopped)) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Cancels pending asynchronous invocations and retries, waits for running ones, then closes
   * the hosted functions.
   */
  async drain(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.starting.clear();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    await Promise.all(
      [...this.functions.values()].map((fn) => (typeof fn === 'function' ? undefined : fn.close())),
    );
  }

  private async runHosted(
    name: string,
    fn: HostedFunction,
    event: unknown,
    options: InvokeOptions,
  ): Promise<InvocationOutcome> {
    const outcome = await fn.invoke(event, { traceHeader: options.traceHeader });
    if (outcome.kind === 'error' && !options.isAnswer?.(outcome.error)) {
      this.options.logger.error(`function ${name} failed`, outcome.error);
    }
    return outcome;
  }

  private async run(
    name: string,
    handler: LambdaHandler,
    event: unknown,
    options: InvokeOptions,
  ): Promise<InvocationOutcome> {
    const { environment, timeoutMs, logger } = this.options;
    const awsRequestId = newLambdaRequestId();
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InvocationOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout', timeoutMs }), timeoutMs);
    });
    const completed = callHandler(handler, event, (complete) =>
      createLambdaContext({ functionName: name, environment, deadline, complete, awsRequestId }),
    ).then(
      (value): InvocationOutcome => ({ kind: 'result', value }),
      (error: unknown): InvocationOutcome => ({ kind: 'error', error }),
    );
    const outcome = await Promise.race([completed, timedOut]);
    clearTimeout(timer);
    if (outcome.kind === 'error') {
      if (options.isAnswer?.(outcome.error)) return outcome;
      logger.error(`function ${name} (request ${awsRequestId}) failed`, outcome.error);
    } else if (outcome.kind === 'timeout') {
      logger.error(`function ${name} (request ${awsRequestId}) timed out after ${timeoutMs} ms`);
    }
    return outcome;
  }
}
