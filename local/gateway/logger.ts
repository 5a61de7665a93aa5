/**
 * Where the emulator reports what happens. Narrow on purpose: pass `console`, a test spy or
 * `silentLogger`.
 *
 * @example
 * const logger: GatewayLogger = { info: (m) => process.stdout.write(`${m}\n`), error: console.error };
 */
export interface GatewayLogger {
  info(message: string): void;
  /** Something that works locally and may not on AWS (e.g. work left running after a return). */
  warn?(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Prints with a `[gateway]` prefix. */
export const consoleLogger: GatewayLogger = {
  info: (message) => console.log(`[gateway] ${message}`),
  warn: (message) => console.warn(`[gateway] WARNING ${message}`),
  error: (message, error) =>
    error === undefined
      ? console.error(`[gateway] ${message}`)
      : console.error(`[gateway] ${message}`, error),
};

/** Drops everything; for tests. */
export const silentLogger: GatewayLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
