import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The pid of a direct child of `parentPid` whose command line contains `needle`, from the
 * lines of `ps -eo pid=,ppid=,args=`; `undefined` when none matches.
 *
 * @example
 * childPidFromPs(' 42  7 java -jar DynamoDBLocal.jar -port 8000\n', 7, '-port 8000'); // 42
 */
export function childPidFromPs(
  psOutput: string,
  parentPid: number,
  needle: string,
): number | undefined {
  for (const line of psOutput.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (match && Number(match[2]) === parentPid && match[3]?.includes(needle))
      return Number(match[1]);
  }
  return undefined;
}

/**
 * Kilobytes from the output of `ps -o rss= -p <pid>`; `undefined` when it is not a number.
 *
 * @example
 * parseRssKb('  123456\n'); // 123456
 */
export function parseRssKb(psOutput: string): number | undefined {
  const text = psOutput.trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

const run = promisify(execFile);

/** The resident set of `pid` in megabytes, or `undefined` when `ps` cannot tell (not Unix, gone). */
export async function rssMb(pid: number): Promise<number | undefined> {
  try {
    const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)], { timeout: 5_000 });
    const kb = parseRssKb(stdout);
    return kb === undefined ? undefined : Math.round(kb / 102.4) / 10;
  } catch {
    return undefined;
  }
}

/** The pid of this process's child DynamoDB Local listening on `endpoint`, if `ps` finds it. */
export async function dynamoDbLocalPid(endpoint: string): Promise<number | undefined> {
  const port = new URL(endpoint).port;
  try {
    const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,args='], { timeout: 5_000 });
    return childPidFromPs(stdout, process.pid, `-port ${port}`);
  } catch {
    return undefined;
  }
}
