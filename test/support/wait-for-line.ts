import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the first line of a child's collected output (`output`, fed from its stdout
 * and stderr) that matches `pattern`; rejects if the child exits first.
 *
 * @example
 * await waitForLine(child, output, /^ready$/);
 */
export function waitForLine(
  child: ChildProcess,
  output: string[],
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  return new Promise((done, fail) => {
    const check = (): boolean => {
      for (const line of output.join('').split('\n')) {
        const match = line.match(pattern);
        if (match) {
          done(match);
          return true;
        }
      }
      return false;
    };
    if (check()) return;
    const onData = (): void => {
      if (check()) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      fail(new Error(`exited ${code} before ${pattern}:\n${output.join('')}`)),
    );
  });
}
