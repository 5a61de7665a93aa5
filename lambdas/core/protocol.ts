import type { ErrorCode, RateLimit } from './errors';
import type { Room, SocketId, SocketUser } from './types';
import * as z from './zod';

/** An event name: 1–64 letters, digits and `_ - : .` (it is also API Gateway's route key). */
export const EVENT_NAME = /^[A-Za-z0-9_\-:.]{1,64}$/;

/** Most arguments one event or ack carries. */
export const MAX_ARGS = 16;

/**
 * A frame's `ack` (the number the client's callback is answered with) or `n` (its send
 * number): a positive safe integer, when present.
 */
const FrameNumber = z.onFirstUse(() =>
  z.optional(z.number().check(z.int(), z.positive(), z.maximum(Number.MAX_SAFE_INTEGER))),
);

/**
 * Wire protocol v1, client → server: one JSON text frame (see docs/protocol.md).
 *
 * @example
 * ClientFrame.parse({ action: 'join', data: { room: 'lobby' }, ack: 1 });
 */
export const ClientFrame = z.onFirstUse(() =>
  z
    .strictObject({
      action: z.string().check(z.regex(EVENT_NAME, 'event names are 1-64 of A-Z a-z 0-9 _ - : .')),
      data: z.optional(z.unknown()),
      args: z.optional(z.array(z.unknown()).check(z.maxLength(MAX_ARGS))),
      ack: FrameNumber,
      /** The client's send number on this connection (1, 2, 3…): frames are handled in its order. */
      n: FrameNumber,
    })
    .check(
      z.refine((frame) => frame.data === undefined || frame.args === undefined, {
        message: 'send either "data" (one argument) or "args" (a list of them), not both',
        path: ['args'],
      }),
    ),
);

export type ClientFrame = z.infer<typeof ClientFrame>;

/**
 * The arguments a client frame carries, as a Socket.IO handler receives them: `args` as
 * sent, else `data` as the one argument, else none.
 *
 * @example
 * argsOf({ action: 'move', args: [3, 4] }); // [3, 4]
 * argsOf({ action: 'chat', data: 'hi' }); // ['hi']
 */
export function argsOf(frame: {
  readonly data?: unknown;
  readonly args?: unknown[] | undefined;
}): unknown[] {
  if (frame.args !== undefined) return frame.args;
  return frame.data === undefined ? [] : [frame.data];
}

/**
 * How a list of arguments travels in a server frame: the first as `data` (what a one-argument
 * client reads), and the whole list as `args` unless it is exactly one argument.
 *
 * @example
 * payloadOf(['hi']); // { data: 'hi' }
 * payloadOf([3, 4]); // { data: 3, args: [3, 4] }
 */
export function payloadOf(args: readonly unknown[]): {
  readonly data: unknown;
  readonly args?: readonly unknown[];
} {
  return args.length === 1 ? { data: args[0] } : { data: args[0] ?? null, args };
}

/** Deepest nesting of arrays and objects accepted in a frame; deeper data could not be re-encoded safely. */
export const MAX_FRAME_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than `limit`, without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= limit) return true;
    for (const child of Object.values(item.value))
      stack.push({ value: child, depth: item.depth + 1 });
  }
  return false;
}

/** A server ack id: what an event frame carries as `ack` when the server asks for an answer. */
export const SERVER_ACK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A client's answer to an event the server sent with an ack id (`"ack": "<uuid>"`): the
 * values of the client's callback, as `data` (one) or `args` (a list).
 *
 * @example
 * AckAnswerFrame.parse({ ack: '1b4e28ba-2fa1-11d2-883f-0016d3cca427', data: 'client!' });
 */
export const AckAnswerFrame = z.onFirstUse(() =>
  z
    .strictObject({
      ack: z.string().check(z.regex(SERVER_ACK_ID, 'an ack id the server sent')),
      data: z.optional(z.unknown()),
      args: z.optional(z.array(z.unknown()).check(z.maxLength(MAX_ARGS))),
    })
    .check(
      z.refine((frame) => frame.data === undefined || frame.args === undefined, {
        message: 'send either "data" (one argument) or "args" (a list of them), not both',
        path: ['args'],
      }),
    ),
);

export type AckAnswerFrame = z.infer<typeof AckAnswerFrame>;

/** Whether a parsed value is meant as an answer: an object without `action` whose `ack` is a string. */
function isAnswerShaped(json: unknown): boolean {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  return !Object.hasOwn(json, 'action') && typeof (json as { ack?: unknown }).ack === 'string';
}

/** A parsed frame (an event, or an answer to a server ack), or the error to answer with (and the ack id, when one could be read). */
export type ParsedClientFrame =
  | { readonly ok: true; readonly frame: ClientFrame }
  | { readonly ok: true; readonly answer: AckAnswerFrame }
  | { readonly ok: false; readonly message: string; readonly ack?: number };

/**
 * Parses a raw text frame without throwing.
 *
 * @example
 * const parsed = parseClientFrame('{"action":"whoami","ack":3}');
 */
export function parseClientFrame(body: string | undefined): ParsedClientFrame {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return { ok: false, message: 'Frame is not valid JSON' };
  }
  if (nestsDeeperThan(json, MAX_FRAME_DEPTH)) {
    const ack = FrameNumber.safeParse((json as { ack?: unknown }).ack).data;
    return {
      ok: false,
      message: `Frame nests deeper than ${MAX_FRAME_DEPTH} levels`,
      ...(ack === undefined ? {} : { ack }),
    };
  }
  if (isAnswerShaped(json)) {
    const answer = AckAnswerFrame.safeParse(json);
    if (answer.success) return { ok: true, answer: answer.data };
    const issue = answer.error.issues[0];
    return {
      ok: false,
      message: `An answer must be {"ack": ack id, "data"?: any, "args"?: any[]} (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`,
    };
  }
  const result = ClientFrame.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const ack = FrameNumber.safeParse((json as { ack?: unknown } | null)?.ack).data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return {
    ok: false,
    message: `Frame must be {"action": string, "data"?: any, "args"?: any[], "ack"?: positive integer, "n"?: positive integer} (${where}${issue?.message ?? 'invalid'})`,
    ...(ack === undefined ? {} : { ack }),
  };
}

/**
 * The ack id of a frame too large to parse in full: a top-level `"ack": n` is looked for in
 * the frame's last 64 characters, where clients (ours included) put it.
 *
 * @example
 * ackIdOf('{"action":"chat","data":"…","ack":12}'); // 12
 */
export function ackIdOf(body: string): number | undefined {
  const match = /"ack"\s*:\s*(\d{1,16})\s*}\s*$/.exec(body.slice(-64));
  const ack = match ? Number(match[1]) : undefined;
  return ack !== undefined && ack > 0 && ack <= Number.MAX_SAFE_INTEGER ? ack : undefined;
}

/** Server → client event frame. */
export interface EventFrame {
  readonly event: string;
  readonly data: unknown;
  /** Every argument, when the emit had other than exactly one (`data` is then the first). */
  readonly args?: readonly unknown[] | undefined;
  /** The server's ack id, when it waits for the client's answer. */
  readonly ackId?: string | undefined;
  /** The message's id, when one emit was kept in several durable rooms: the same in each. */
  readonly id?: string | undefined;
  readonly ns: string;
  readonly room?: Room;
  /** The message's number in a durable room; only with `room`. */
  readonly seq?: number | undefined;
  readonly from?: SocketId;
  /** The sender's verified user; only with `from`. */
  readonly user?: SocketUser | undefined;
}

/**
 * Encodes a server → client event frame; `room`, `seq`, `from` and `user` are left out when undefined.
 *
 * @example
 * encodeEvent({ event: 'chat', data: 'hi', ns: '/', room: 'lobby', from: 'R1kmxc2VNjMCFIA=' });
 */
export function encodeEvent(frame: EventFrame): string {
  return JSON.stringify({
    event: frame.event,
    data: frame.data ?? null,
    ...(frame.args === undefined ? {} : { args: frame.args }),
    ...(frame.ackId === undefined ? {} : { ack: frame.ackId }),
    ns: frame.ns,
    ...(frame.id === undefined ? {} : { id: frame.id }),
    ...(frame.room === undefined ? {} : { room: frame.room }),
    ...(frame.room === undefined || frame.seq === undefined ? {} : { seq: frame.seq }),
    ...(frame.from === undefined ? {} : { from: frame.from }),
    ...(frame.from === undefined || frame.user === undefined
      ? {}
      : { user: { id: frame.user.id, name: frame.user.name } }),
  });
}

/**
 * Encodes the successful reply to an ack id: the values the handler's ack was called with,
 * as `payloadOf` lays them out.
 *
 * @example
 * encodeAck(1, { room: 'lobby', members: 2 }); // '{"ack":1,"data":{"room":"lobby","members":2}}'
 * encodeAck(2, null, 'ok'); // '{"ack":2,"data":null,"args":[null,"ok"]}'
 */
export function encodeAck(ack: number, ...values: unknown[]): string {
  const { data, args } = payloadOf(values);
  return JSON.stringify({ ack, data: data ?? null, ...(args === undefined ? {} : { args }) });
}

/**
 * The `error` object of a failure frame: its code, message and, for `RATE_LIMITED`, the limit.
 *
 * @example
 * errorData({ code: 'FORBIDDEN', message: 'Members only' }); // { code: 'FORBIDDEN', message: 'Members only' }
 */
export function errorData(failure: {
  readonly code: ErrorCode;
  readonly message: string;
  readonly limit?: RateLimit | undefined;
}): { code: ErrorCode; message: string; limit?: RateLimit } {
  return {
    code: failure.code,
    message: failure.message,
    ...(failure.limit === undefined ? {} : { limit: failure.limit }),
  };
}

/**
 * Encodes a failure: the reply to an ack id when there is one, else an `error` event.
 *
 * @example
 * encodeFailure({ code: 'FORBIDDEN', message: 'Members only', ack: 4 });
 */
export function encodeFailure(failure: {
  readonly code: ErrorCode;
  readonly message: string;
  readonly ack?: number | undefined;
  readonly ns?: string | undefined;
  /** With `RATE_LIMITED`: which limit (`connection`, `messages` or `deliveries`). */
  readonly limit?: RateLimit | undefined;
}): string {
  const error = errorData(failure);
  if (failure.ack !== undefined) return JSON.stringify({ ack: failure.ack, error });
  return JSON.stringify({
    event: 'error',
    data: error,
    ...(failure.ns === undefined ? {} : { ns: failure.ns }),
  });
}
