import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/** The CPU one process has used, and what it is in the local runtime. */
export interface ProcessCpu {
  /** `gateway and clients` (this process), a function's name (`message`), or `DynamoDB Local`. */
  readonly role: string;
  /** User plus system time, milliseconds. */
  readonly cpuMs: number;
}

/** CPU of this process and of every process below it, by pid. */
export type CpuSnapshot = ReadonlyMap<number, ProcessCpu>;

/** This process: the emulator, the management API and, in the benchmarks, the clients. */
export const GATEWAY_ROLE = 'gateway and clients';
export const DYNAMODB_ROLE = 'DynamoDB Local';

/**
 * The parent pid and CPU ticks (utime + stime) of a `/proc/<pid>/stat` line; the command name
 * in parentheses may itself hold spaces and parentheses.
 *
 * @example
 * parseProcStat('42 (node) S 7 42 42 0 -1 0 0 0 0 0 150 30 0 0'); // { ppid: 7, ticks: 180 }
 */
export function parseProcStat(stat: string): { readonly ppid: number; readonly ticks: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/**
 * What a process of the local runtime is, from its command line: a container runs its
 * function's bundle (`…/functions/message-3.js`), DynamoDB Local is Java.
 *
 * @example
 * roleOf('node --enable-source-maps /tmp/x/runtime/container-main.js /tmp/x/functions/message-3.js handler'); // 'message'
 */
export function roleOf(commandLine: string): string {
  const bundle = /[/\\]functions[/\\]([A-Za-z]+)-\d+\.js/.exec(commandLine);
  if (bundle) return bundle[1] as string;
  if (/DynamoDBLocal/.test(commandLine)) return DYNAMODB_ROLE;
  return 'other';
}

const run = promisify(execFile);

/**
 * The CPU of this process and its descendants (containers, DynamoDB Local), read from
 * `/proc`; `undefined` where there is no `/proc` (not Linux).
 *
 * @example
 * const before = await cpuSnapshot();
 */
export async function cpuSnapshot(): Promise<CpuSnapshot | undefined> {
  let entries: string[];
  try {
    entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const msPerTick = 1_000 / (await clockTicksPerSecond());
  const processes = new Map<number, { ppid: number; ticks: number; commandLine: string }>();
  for (const name of entries) {
    try {
      const stat = parseProcStat(await readFile(`/proc/${name}/stat`, 'utf8'));
      const commandLine = (await readFile(`/proc/${name}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      processes.set(Number(name), { ...stat, commandLine });
    } catch {
      // Gone meanwhile.
    }
  }
  const descends = (pid: number): boolean => {
    for (let at: number | undefined = pid, hops = 0; at !== undefined && hops < 64; hops += 1) {
      if (at === process.pid) return true;
      at = processes.get(at)?.ppid;
    }
    return false;
  };
  const snapshot = new Map<number, ProcessCpu>();
  for (const [pid, { ticks, commandLine }] of processes) {
    if (!descends(pid)) continue;
    const role = pid === process.pid ? GATEWAY_ROLE : roleOf(commandLine);
    snapshot.set(pid, { role, cpuMs: ticks * msPerTick });
  }
  return snapshot;
}

/**
 * CPU milliseconds used between two snapshots, summed by role; a process that started
 * meanwhile counts from zero.
 *
 * @example
 * cpuByRole(before, after); // { message: 2910, 'gateway and clients': 980, 'DynamoDB Local': 850 }
 */
export function cpuByRole(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const byRole: Record<string, number> = {};
  for (const [pid, { role, cpuMs }] of after) {
    const used = cpuMs - (before.get(pid)?.cpuMs ?? 0);
    if (used > 0) byRole[role] = (byRole[role] ?? 0) + used;
  }
  return byRole;
}

async function clockTicksPerSecond(): Promise<number> {
  try {
    const { stdout } = await run('getconf', ['CLK_TCK'], { timeout: 5_000 });
    const ticks = Number(stdout.trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}
