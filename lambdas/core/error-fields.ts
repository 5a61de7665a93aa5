/** What `errorFields` adds to a log entry. */
export interface ErrorFields {
  /**
   * What went wrong, in one string: the error's name when it has its own (`GoneException`,
   * `ThrottlingException`: AWS errors are told apart by name), else its message (a plain
   * `Error`), else the thrown value as a string.
   */
  readonly error: string;
  /** The stack, only when asked for: it starts with `name: message`. */
  readonly stack?: string;
}

/**
 * Turns anything caught into log fields of one shape, wherever the error is logged.
 *
 * @example
 * logger.warn('Post failed', { connectionId, ...errorFields(error) }); // { connectionId, error: 'ForbiddenException' }
 * logger.error('Handler failed', { action, ...errorFields(error, { stack: true }) });
 */
export function errorFields(
  error: unknown,
  options: { readonly stack?: boolean } = {},
): ErrorFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const described = error.name && error.name !== 'Error' ? error.name : error.message;
  return options.stack && error.stack !== undefined
    ? { error: described, stack: error.stack }
    : { error: described };
}

/**
 * The message of anything caught, for a line meant for people (a CLI, a start-up failure).
 *
 * @example
 * console.error(errorMessage(error)); // 'connect ECONNREFUSED 127.0.0.1:8000'
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
