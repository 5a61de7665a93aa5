/** What one load run does; every field has a default sized for a 2-core machine. */
export interface LoadPlan {
  /** Sockets to open (`--clients`). Default 40. */
  readonly clients: number;
  /** Rooms of namespace `/`; client `i` joins room `i % rooms` (`--rooms`). Default 8. */
  readonly rooms: number;
  /** Chat messages each client sends (`--messages`). Default 20. */
  readonly messages: number;
  /** Messages each client has in flight, awaiting their acks (`--concurrency`). Default 1. */
  readonly concurrency: number;
  /** Hard bound on the whole run, runtime start-up included (`--timeout-s`). Default 120. */
  readonly timeoutS: number;
  /** An already running runtime's WebSocket URL; omitted = start one in memory (`--url`). */
  readonly url?: string;
  /** Print the summary as JSON (`--json`). */
  readonly json: boolean;
  /** Keep the gateway's and the handlers' logs (`--verbose`). */
  readonly verbose: boolean;
}

export const DEFAULT_PLAN: LoadPlan = {
  clients: 40,
  rooms: 8,
  messages: 20,
  concurrency: 1,
  timeoutS: 120,
  json: false,
  verbose: false,
};

export const USAGE =
  'Usage: npm run load -- [--clients 40] [--rooms 8] [--messages 20] [--concurrency 1] ' +
  '[--timeout-s 120] [--url ws://127.0.0.1:3001/local] [--json] [--verbose]';

const NUMBER_FLAGS = {
  '--clients': 'clients',
  '--rooms': 'rooms',
  '--messages': 'messages',
  '--concurrency': 'concurrency',
  '--timeout-s': 'timeoutS',
} as const;

/** Upper bounds that keep a run on one machine finite. */
const MAXIMUM: Record<(typeof NUMBER_FLAGS)[keyof typeof NUMBER_FLAGS], number> = {
  clients: 2_000,
  rooms: 2_000,
  messages: 10_000,
  concurrency: 100,
  timeoutS: 3_600,
};

/**
 * Reads the command line; `--flag value` and `--flag=value` both work. Throws on anything
 * unknown or out of range.
 *
 * @example
 * parseLoadArguments(['--clients', '6', '--rooms=2', '--json']); // { ...DEFAULT_PLAN, clients: 6, rooms: 2, json: true }
 */
export function parseLoadArguments(args: readonly string[]): LoadPlan {
  const plan: { -readonly [K in keyof LoadPlan]: LoadPlan[K] } = { ...DEFAULT_PLAN };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    const equals = arg.indexOf('=');
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    const inline = equals < 0 ? undefined : arg.slice(equals + 1);
    const value = (): string => {
      if (inline !== undefined) return inline;
      index += 1;
      const next = args[index];
      if (next === undefined) throw new Error(`${flag} needs a value. ${USAGE}`);
      return next;
    };
    if (flag === '--json' && inline === undefined) plan.json = true;
    else if (flag === '--verbose' && inline === undefined) plan.verbose = true;
    else if (flag === '--url') plan.url = parseUrl(value());
    else if (flag in NUMBER_FLAGS) {
      const key = NUMBER_FLAGS[flag as keyof typeof NUMBER_FLAGS];
      plan[key] = parseCount(flag, value(), MAXIMUM[key]);
    } else throw new Error(`Unknown argument: ${arg}. ${USAGE}`);
  }
  return plan;
}

/**
 * The room client `index` joins: clients are dealt round-robin, so room sizes differ by at
 * most one.
 *
 * @example
 * roomIndexOf(9, 8); // 1
 */
export function roomIndexOf(client: number, rooms: number): number {
  return client % rooms;
}

/** Messages the plan sends, and the deliveries it expects (each message reaches its room but the sender). */
export function expectedTotals(plan: Pick<LoadPlan, 'clients' | 'rooms' | 'messages'>): {
  readonly messages: number;
  readonly deliveries: number;
} {
  let deliveries = 0;
  for (let room = 0; room < plan.rooms; room += 1) {
    const size = Math.floor(plan.clients / plan.rooms) + (room < plan.clients % plan.rooms ? 1 : 0);
    deliveries += size * Math.max(0, size - 1) * plan.messages;
  }
  return { messages: plan.clients * plan.messages, deliveries };
}

function parseCount(flag: string, text: string, maximum: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > maximum)
    throw new Error(`${flag} must be an integer from 1 to ${maximum}, got ${JSON.stringify(text)}`);
  return value;
}

/** A load run is for the local runtime: a deployed API would bill for it and throttle it. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--url must be a ws:// URL, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new Error(`--url must be a ws:// URL, got ${JSON.stringify(text)}`);
  if (!LOOPBACK_HOSTS.has(url.hostname))
    throw new Error(`--url must point at this machine (127.0.0.1, localhost or [::1]): ${text}`);
  url.search = '';
  return url.toString();
}
