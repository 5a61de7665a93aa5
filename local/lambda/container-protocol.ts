/**
 * The lines a container and the runtime exchange, one JSON document per line: invocations on
 * the container's file descriptor 4 (read with a blocking read, which is what freezes it
 * between invocations), answers on descriptor 5 (written synchronously, so nothing else runs
 * between the handler's return and the freeze).
 */

/** Descriptor the container reads invocations from. */
export const INVOKE_FD = 4;
/** Descriptor the container writes `ready` and outcomes to. */
export const ANSWER_FD = 5;

/** What the runtime sends: one invocation. */
export interface InvokeLine {
  readonly awsRequestId: string;
  /** Epoch ms at which the invocation times out. */
  readonly deadline: number;
  readonly event: unknown;
  /** The caller's `X-Amzn-Trace-Id`, when a traced caller invoked the function. */
  readonly traceHeader?: string;
}

/** An error as it crosses the process boundary. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** What the container answers. */
export type AnswerLine =
  /** The module loaded (the init phase ended); `initMs` is how long it took. */
  | { readonly type: 'ready'; readonly initMs: number }
  /** The module did not load: the container is useless. */
  | { readonly type: 'init-error'; readonly error: SerializedError }
  | {
      readonly type: 'done';
      readonly awsRequestId: string;
      readonly outcome:
        | { readonly kind: 'result'; readonly value: unknown }
        | { readonly kind: 'error'; readonly error: SerializedError };
      /** Work the handler left running when it returned (frozen from now on). */
      readonly pending: readonly string[];
      /** Resident set size after the invocation, in MB (Lambda's "Max Memory Used"). */
      readonly memoryUsedMb: number;
    };

/**
 * An error of any shape as `{ name, message, stack }`.
 *
 * @example
 * serializeError(new TypeError('x')); // { name: 'TypeError', message: 'x', stack: 'TypeError: x\n    at …' }
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
    };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : JSON.stringify(error) };
}

/**
 * The `Error` a serialized one stands for, with its name, message and stack.
 *
 * @example
 * deserializeError({ name: 'TypeError', message: 'x' }).name; // 'TypeError'
 */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
