/**
 * Polls `find` every 25 ms until it returns something other than `undefined`, and resolves
 * with it; rejects with "<what> did not happen in <timeoutMs> ms" after `timeoutMs`.
 *
 * @example
 * const line = await until(() => logs.find((l) => l.includes('ready')), 'the ready line');
 */
export async function until<T>(
  find: () => T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 25));
  }
}
