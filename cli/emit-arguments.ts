import { parseArgs } from 'node:util';
import { errorMessage } from '../lambdas/core/error-fields';
import * as z from '../lambdas/core/zod';
import { EmitterSchemas } from '../lambdas/emitter/emitter-schemas';
import { UsageError } from './usage';

/** An `apigw-chat emit` command line, validated. */
export interface EmitCommand {
  readonly namespace: string;
  readonly rooms: readonly string[];
  readonly connections: readonly string[];
  readonly except: readonly string[];
  readonly event: string;
  /** `undefined` when no data was given. */
  readonly data: unknown;
  readonly json: boolean;
  /** With `--ack <ms>`: ask every recipient for an answer and wait this long (≤ 9,000 ms). */
  readonly ackTimeoutMs?: number | undefined;
  readonly table?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
}

/** The longest `--ack` wait: an emitter waits at most 9 s (its 10 s less a second's margin). */
export const MAX_ACK_WAIT_MS = 9_000;

/** What the command line asks for: help, or an emit. */
export type CliRequest =
  | { readonly kind: 'help' }
  | { readonly kind: 'emit'; readonly command: EmitCommand };

const EmitCommandSchema = z.object({
  namespace: EmitterSchemas.namespace,
  rooms: z.array(EmitterSchemas.room),
  connections: z.array(EmitterSchemas.connectionId),
  except: z.array(EmitterSchemas.room),
  event: EmitterSchemas.event,
  data: z.unknown(),
  json: z.boolean(),
  ackTimeoutMs: z.optional(
    z.number().check(z.int('a number of milliseconds'), z.minimum(1), z.maximum(MAX_ACK_WAIT_MS)),
  ),
  table: z.optional(EmitterSchemas.tableName),
  endpoint: z.optional(EmitterSchemas.endpoint),
  region: z.optional(EmitterSchemas.region),
});

/** Which flag or argument each field of `EmitCommand` comes from, for error messages. */
const SOURCES: Record<string, string> = {
  namespace: '--ns',
  rooms: '--room',
  connections: '--to',
  except: '--except',
  event: '<event>',
  ackTimeoutMs: '--ack',
  table: '--table',
  endpoint: '--endpoint',
  region: '--region',
};

/**
 * The data argument: JSON when it parses, else the text itself.
 *
 * @example
 * parseData('{"a":1}'); // { a: 1 }
 * parseData('text'); // 'text'
 */
export function parseData(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Parses and validates `apigw-chat` arguments (without `node` and the script). Throws
 * `UsageError` naming the bad flag or argument.
 *
 * @example
 * parseCliArguments(['emit', '--ns', '/notification', '--room', 'room1', 'hello', 'text']);
 * // { kind: 'emit', command: { namespace: '/notification', rooms: ['room1'], event: 'hello', data: 'text', ... } }
 */
export function parseCliArguments(argv: readonly string[]): CliRequest {
  let parsed: ReturnType<typeof readArgs>;
  try {
    parsed = readArgs(argv);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, event, data, ...extra] = positionals;
  if (command === undefined) throw new UsageError('Missing command: apigw-chat emit …');
  if (command !== 'emit') throw new UsageError(`Unknown command "${command}": the command is emit`);
  if (event === undefined) throw new UsageError('Missing <event>');
  if (extra.length > 0) {
    throw new UsageError(
      `Unexpected argument ${JSON.stringify(extra[0])}: quote the data if it has spaces`,
    );
  }
  const input = {
    namespace: values.ns ?? '/',
    rooms: values.room ?? [],
    connections: values.to ?? [],
    except: values.except ?? [],
    event,
    data: data === undefined ? undefined : parseData(data),
    json: values.json ?? false,
    ackTimeoutMs: values.ack === undefined ? undefined : Number(values.ack),
    table: values.table,
    endpoint: values.endpoint,
    region: values.region,
  };
  const result = EmitCommandSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const [field = '', index] = issue?.path ?? [];
    const value: unknown = (input as Record<PropertyKey, unknown>)[field];
    const bad = typeof index === 'number' && Array.isArray(value) ? value[index] : value;
    throw new UsageError(
      `Invalid ${SOURCES[String(field)] ?? String(field)} ${JSON.stringify(bad)}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return { kind: 'emit', command: result.data };
}

const OPTIONS = {
  ns: { type: 'string' },
  room: { type: 'string', multiple: true },
  to: { type: 'string', multiple: true },
  except: { type: 'string', multiple: true },
  table: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  ack: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function readArgs(argv: readonly string[]) {
  return parseArgs({
    args: attachValues(argv),
    allowPositionals: true,
    strict: true,
    options: OPTIONS,
  });
}

/**
 * Joins every value-taking flag with the word after it (`--to -Ab…=` → `--to=-Ab…=`).
 * Connection ids are base64url and may start with `-`, which `parseArgs` would otherwise
 * refuse as a missing value.
 *
 * @example
 * attachValues(['--to', '-Abc1234567890w=', 'hi']); // ['--to=-Abc1234567890w=', 'hi']
 */
export function attachValues(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] as string;
    if (word === '--') {
      args.push(...argv.slice(index));
      break;
    }
    const name = word.startsWith('--') ? word.slice(2) : undefined;
    const option = name === undefined ? undefined : OPTIONS[name as keyof typeof OPTIONS];
    const value = argv[index + 1];
    if (option?.type === 'string' && value !== undefined) {
      args.push(`${word}=${value}`);
      index++;
    } else {
      args.push(word);
    }
  }
  return args;
}
