import type { CoreLogger } from '../lambdas/core/logger';

/**
 * The CLI's logger: warnings and errors (failed posts, partial deliveries) as one line each
 * on `write`; debug and info are dropped.
 *
 * @example
 * createEmitter({ tableName, endpoint, logger: lineLogger((line) => process.stderr.write(`${line}\n`)) });
 */
export function lineLogger(write: (line: string) => void): CoreLogger {
  const line =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]): void => {
      const details = extra.length > 0 ? ` ${JSON.stringify(Object.assign({}, ...extra))}` : '';
      write(`${level}: ${message}${details}`);
    };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: line('warning'),
    error: line('error'),
  };
}
