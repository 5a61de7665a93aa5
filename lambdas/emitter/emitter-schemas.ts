import { EVENT_NAME } from '../core/protocol';
import { RESERVED_EVENTS } from '../core/reserved-events';
import { isSocketId } from '../core/socket-id';
import * as z from '../core/zod';

/** What `Server.of` accepts: `/` then up to 127 letters, digits and `_ - . /`. */
const NAMESPACE_NAME = /^\/[A-Za-z0-9_\-./]{0,127}$/;

/**
 * The inputs an emitter takes from its caller, validated at the edge (library and CLI):
 * namespace, room, event and connection names, the table and the `@connections` endpoint.
 *
 * @example
 * EmitterSchemas.namespace.parse('/notification');
 */
export const EmitterSchemas = {
  /** A namespace name, e.g. `/` or `/notification`. */
  namespace: z
    .string()
    .check(z.regex(NAMESPACE_NAME, 'namespace names are / then 0-127 of A-Z a-z 0-9 _ - . /')),
  /** A room, or a connection id (every connection is a room of its own). */
  room: z.string().check(z.minLength(1), z.maxLength(128)),
  /** A connection id as API Gateway assigns it: 15 base64 or base64url characters and `=`. */
  connectionId: z
    .string()
    .check(z.refine(isSocketId, 'connection ids are 15 base64 or base64url characters and =')),
  /** An event name the server may send; the lifecycle names (`connect`, `error`, ...) are refused. */
  event: z.string().check(
    z.regex(EVENT_NAME, 'event names are 1-64 of A-Z a-z 0-9 _ - : .'),
    z.refine((event) => !RESERVED_EVENTS.has(event), 'reserved event name'),
  ),
  /** A DynamoDB table name. */
  tableName: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'table names are 3-255 of A-Z a-z 0-9 _ . -')),
  /** The stage's `@connections` endpoint, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/prod`. */
  endpoint: z.url({ protocol: /^https?$/ }),
  /** An AWS region, e.g. `eu-west-1`. */
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'regions look like eu-west-1')),
};

/**
 * `value` parsed by `schema`, or a `TypeError` naming what was wrong: the emitter's answer to
 * a bad argument.
 *
 * @example
 * const ns = parseInput(EmitterSchemas.namespace, '/chat', 'namespace');
 */
export function parseInput<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new TypeError(`Invalid ${what} ${JSON.stringify(value)}: ${issue?.message ?? 'invalid'}`);
}
