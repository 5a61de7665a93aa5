/**
 * One Lambda function as the local runtime hosts it: the module and export of its handler,
 * exactly the environment variables it gets, and its timeout and memory size.
 *
 * @example
 * const spec: FunctionSpec = { name: 'message', module: '/app/lambdas/handlers/message.ts', exportName: 'handler', environment: { TABLE_NAME: 'chat' }, timeoutMs: 10_000, memoryMb: 256 };
 */
export interface FunctionSpec {
  /** The function name (`context.functionName`, the Invoke API's `FunctionName`). */
  readonly name: string;
  /** Absolute path of the handler module (`.ts`, `.js`, `.cjs` or `.mjs`). */
  readonly module: string;
  /** The exported handler, e.g. `handler` for `index.handler`. */
  readonly exportName: string;
  /** Every variable the process sees: nothing of the parent's environment leaks in. */
  readonly environment: Readonly<Record<string, string>>;
  /** The function timeout: past it the invocation fails and the container is discarded. */
  readonly timeoutMs: number;
  /** `MemorySize`: sizes V8's heap as Lambda does (`lambdaNodeArguments`) and is `context.memoryLimitInMB`. */
  readonly memoryMb: number;
  /** The most containers running at once (reserved concurrency, or a local cap). */
  readonly maxContainers: number;
}
