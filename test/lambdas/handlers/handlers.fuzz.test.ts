import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { Decoder, PacketType } from 'socket.io-parser';
import { createChatRuntime } from '../../../lambdas/handlers/chat-runtime';
import { createConnectHandler } from '../../../lambdas/handlers/connect';
import { createDisconnectHandler } from '../../../lambdas/handlers/disconnect';
import { createMessageHandler } from '../../../lambdas/handlers/message';
import type { WebSocketResult } from '../../../lambdas/handlers/websocket-event';
import { createWorkerHandler } from '../../../lambdas/handlers/worker';
import { connectEvent, disconnectEvent, messageEvent } from '../../support/api-gateway-events';
import { mockChatAws } from '../../support/chat-aws-mocks';
import { setUpFuzzing } from '../../support/fuzz';

/**
 * Property-based fuzzing of the Lambda handlers on the mocked AWS clients (the chat table
 * faked behind DynamoDB): arbitrary values as events, and well-formed API Gateway events
 * with fuzzed fields, in sequences over a few connection ids.
 *
 * Reproducible: the seed is fixed (override with FUZZ_SEED, scale the run counts with
 * FUZZ_RUNS=10); fast-check prints seed, path and the shrunk counterexample on failure.
 */
const { runs, unhandled, settle } = setUpFuzzing();

// ---------------------------------------------------------------------------------------------
// Handlers on mocked AWS, bystander connections that no fuzzed event names
// ---------------------------------------------------------------------------------------------

const aws = mockChatAws();
// The model has no clock: frames arrive microseconds apart, so the rate limit would answer most.
const runtime = createChatRuntime({ ...aws.runtimeOptions, rateLimit: false });
const handlers = {
  connect: createConnectHandler(() => runtime),
  message: createMessageHandler(() => runtime),
  disconnect: createDisconnectHandler(() => runtime),
  worker: createWorkerHandler(() => runtime),
};
type HandlerName = keyof typeof handlers;

const BYSTANDERS = [
  { id: 'B00000000000001=', ns: '/', rooms: ['lobby', 'dev'] },
  { id: 'B00000000000002=', ns: '/chat', rooms: ['room:dev'] },
  { id: 'B00000000000003=', ns: '/notification', rooms: ['room1', 'room2'] },
];
/** The ids fuzzed events use, so that a sequence connects, talks and disconnects. */
const POOL = ['F00000000000001=', 'F00000000000002=', 'F00000000000003='];
const CONNECTED_AT = Date.now() - 60 * 60 * 1000;

beforeEach(() => {
  aws.install();
});

afterEach(() => {
  expect(aws.ddb.commandCalls(ScanCommand)).toHaveLength(0);
  aws.reset();
});

function resetTable(): void {
  aws.table.clear();
  for (const bystander of BYSTANDERS) {
    aws.table.seedConnection({ ...bystander, connectedAt: CONNECTED_AT });
  }
}

const bystanderItems = () => BYSTANDERS.map(({ id }) => aws.table.keysOf(id));

const ALLOWED_ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_EVENT',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
];

/**
 * Invokes a handler and checks what every invocation must satisfy; `undefined` when the
 * handler has no result (worker).
 */
async function invoke(name: HandlerName, event: unknown): Promise<WebSocketResult | undefined> {
  let result: WebSocketResult | undefined;
  try {
    result = (await handlers[name](event)) ?? undefined;
  } catch (error) {
    throw new Error(`${name} threw ${error} for ${show(event)}`);
  }
  const problem = problemWith(name, result);
  if (problem) throw new Error(`${name}: ${problem}\nevent: ${show(event)}`);
  return result;
}

function problemWith(name: HandlerName, result: WebSocketResult | undefined): string | undefined {
  if (name === 'worker') return result === undefined ? undefined : 'worker returned a value';
  if (typeof result !== 'object' || result === null) return `no result: ${result}`;
  const { statusCode, body } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode))
    return `statusCode ${statusCode}`;
  if (name === 'connect' && ![200, 400, 401, 403, 404].includes(statusCode))
    return `connect answered ${statusCode}`;
  if (name === 'disconnect' && ![200, 400].includes(statusCode))
    return `disconnect answered ${statusCode}`;
  if (name !== 'message') return undefined;
  if (statusCode !== 200) return `message answered ${statusCode}`;
  if (body === undefined) return undefined;
  if (/^[0-6]/.test(body)) return problemWithSocketIoReply(body);
  let frame: {
    ack?: unknown;
    event?: unknown;
    data?: { code?: unknown };
    error?: { code?: unknown };
  };
  try {
    frame = JSON.parse(body);
  } catch {
    return `body is not JSON: ${body}`;
  }
  if (typeof frame !== 'object' || frame === null) return `body is not an object: ${body}`;
  const code = frame.error?.code ?? (frame.event === 'error' ? frame.data?.code : undefined);
  if (code !== undefined && !ALLOWED_ERROR_CODES.includes(String(code)))
    return `body has code ${code}: ${body}`;
  return undefined;
}

/** A reply in Socket.IO framing: a pong, or a packet whose error code (if any) is allowed. */
function problemWithSocketIoReply(body: string): string | undefined {
  if (body === '3') return undefined;
  if (!body.startsWith('4')) return `not a Socket.IO reply: ${body}`;
  let packet: { type: number; data?: unknown } | undefined;
  const decoder = new Decoder();
  decoder.on('decoded', (decoded) => {
    packet = decoded;
  });
  try {
    decoder.add(body.slice(1));
  } catch (error) {
    return `reply does not decode (${(error as Error).message}): ${body}`;
  }
  if (packet === undefined) return `reply does not decode: ${body}`;
  const args = Array.isArray(packet.data) ? packet.data : [];
  const error =
    packet.type === PacketType.EVENT && args[0] === 'error'
      ? (args[1] as { code?: unknown })
      : packet.type === PacketType.ACK
        ? (args[0] as { error?: { code?: unknown } } | undefined)?.error
        : undefined;
  if (error?.code !== undefined && !ALLOWED_ERROR_CODES.includes(String(error.code)))
    return `reply has code ${error.code}: ${body}`;
  return undefined;
}

function show(event: unknown): string {
  try {
    return (JSON.stringify(event) ?? String(event)).slice(0, 2000);
  } catch {
    return fc.stringify(event).slice(0, 2000);
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const HANDLER_NAMES: readonly HandlerName[] = ['connect', 'message', 'disconnect', 'worker'];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Any value, objects with or without a prototype, and objects with prototype-pollution keys. */
const anyValue = fc.oneof(
  fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }),
  fc.jsonValue(),
  fc
    .dictionary(fc.constantFrom(...PROTO_KEYS, 'requestContext', 'body'), fc.jsonValue())
    .map((value) => JSON.parse(JSON.stringify(value))),
);

const nsValue = fc.constantFrom(
  '/',
  '/chat',
  '/notification',
  '/nope',
  '',
  'chat',
  '__proto__',
  'constructor',
);
const numberValue = fc.oneof(
  fc.constantFrom(-1, 0, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e300),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0),
  fc.integer(),
);
const stringMap = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom(...PROTO_KEYS, 'ns', 'Host')),
  fc.oneof({ weight: 5, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.jsonValue() }),
);

/** Client frames: mostly shaped like the protocol's, with fuzzed fields. */
const frameBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          action: fc.oneof(
            {
              weight: 6,
              arbitrary: fc.constantFrom(
                'join',
                'leave',
                'chat',
                'broadcast',
                'unicast',
                'direct',
                'whoami',
                'rooms',
                'members',
                'join-room',
                'room-message',
              ),
            },
            { weight: 1, arbitrary: fc.string() },
          ),
          data: fc.oneof(
            fc.record(
              {
                room: fc.oneof(
                  fc.constantFrom('lobby', 'dev', 'room:dev', '__proto__'),
                  fc.string(),
                ),
                type: fc.oneof(fc.constantFrom('room:dev', 'room:music', 'room:cats'), fc.string()),
                user: fc.string(),
                to: fc.constantFrom(...POOL, ...BYSTANDERS.map(({ id }) => id), 'nobody'),
                message: fc.jsonValue({ maxDepth: 2 }),
              },
              { requiredKeys: [] },
            ),
            fc.jsonValue({ maxDepth: 2 }),
          ),
          ack: fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min: 1, max: 1000 }) },
            { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 0 }) },
          ),
        },
        { requiredKeys: ['action'] },
      )
      .map((frame) => JSON.stringify(frame)),
  },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.constantFrom('', '{}', 'null', '{"action":"whoami","ack":1e400}') },
);

/** A place in an API Gateway event and the values to fuzz it with. */
const mutation = fc.oneof(
  fc.tuple(
    fc.constantFrom(
      ['requestContext', 'connectionId'],
      ['requestContext', 'connectedAt'],
      ['requestContext', 'requestTimeEpoch'],
      ['requestContext', 'eventType'],
      ['requestContext', 'routeKey'],
      ['requestContext', 'identity'],
      ['requestContext', 'identity', 'sourceIp'],
      ['requestContext', 'identity', 'userAgent'],
      ['requestContext', 'authorizer'],
      ['requestContext', 'disconnectStatusCode'],
      ['requestContext', 'disconnectReason'],
      ['requestContext', 'messageId'],
      ['requestContext'],
      ['headers'],
      ['queryStringParameters'],
      ['body'],
      ['isBase64Encoded'],
      ['__proto__'],
      ['requestContext', '__proto__'],
    ),
    fc.oneof(
      anyValue,
      fc.string(),
      numberValue,
      stringMap,
      fc.constantFrom(null, undefined, 'CONNECT', 'MESSAGE', 'DISCONNECT', ...POOL),
    ),
  ),
  fc.tuple(fc.constant(['queryStringParameters', 'ns']), fc.oneof(nsValue, anyValue)),
  fc.tuple(fc.constant(['body']), frameBody),
  fc.tuple(
    fc.tuple(fc.constant('headers'), fc.oneof(fc.string(), fc.constantFrom(...PROTO_KEYS))),
    fc.oneof(fc.string(), anyValue),
  ),
);

/** Sets (or, for undefined, deletes) a value at a path, as an own property even for `__proto__`. */
function mutate(event: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target: unknown = event;
  for (const key of path.slice(0, -1)) {
    target = Object.hasOwn(target as object, key)
      ? (target as Record<string, unknown>)[key]
      : undefined;
    if (typeof target !== 'object' || target === null) return;
  }
  const key = path.at(-1) as string;
  if (value === undefined) delete (target as Record<string, unknown>)[key];
  else
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

/** An API Gateway event for one of the pool's ids, fuzzed in a few places. */
const apiGatewayEvent = fc
  .record({
    kind: fc.constantFrom('connect', 'message', 'disconnect'),
    id: fc.constantFrom(...POOL),
    ns: fc.oneof(
      { weight: 4, arbitrary: nsValue },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    body: fc.option(frameBody, { nil: undefined, freq: 10 }),
    statusCode: fc.constantFrom(1000, 1001, 1006),
    mutations: fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
    ),
  })
  .map(({ kind, id, ns, body, statusCode, mutations }) => {
    const common = { connectionId: id, connectedAt: CONNECTED_AT };
    const event: Record<string, unknown> =
      kind === 'connect'
        ? connectEvent({ ...common, ...(ns === undefined ? {} : { query: { ns } }) })
        : kind === 'message'
          ? messageEvent({ ...common, body })
          : disconnectEvent({ ...common, statusCode });
    for (const [path, value] of mutations) mutate(event, path, value);
    return { kind: kind as HandlerName, event };
  });

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('Fuzz: Lambda handlers on mocked AWS', () => {
  it('any value as the event: no handler throws, every result has the documented shape', async () => {
    resetTable();
    const before = bystanderItems();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HANDLER_NAMES), anyValue, async (name, event) => {
        await invoke(name, event);
        expect(bystanderItems()).toEqual(before);
        await settle();
        expect(unhandled).toEqual([]);
      }),
      runs(400),
    );
  });

  it('well-formed events with fuzzed fields, in sequences: no throw, 200 for every message, bystanders untouched', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            event: apiGatewayEvent,
            // Now and then the event goes to another handler than its own.
            handler: fc.oneof(
              { weight: 7, arbitrary: fc.constant(undefined) },
              { weight: 1, arbitrary: fc.constantFrom(...HANDLER_NAMES) },
            ),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (sequence) => {
          resetTable();
          const before = bystanderItems();
          for (const { event, handler } of sequence) {
            await invoke(handler ?? event.kind, event.event);
            expect(bystanderItems()).toEqual(before);
          }
          await settle();
          expect(unhandled).toEqual([]);
        },
      ),
      runs(200),
    );
  });

  it('messages of a connected client of any namespace are answered 200; its disconnect leaves nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/', '/chat', '/notification'),
        fc.array(frameBody, { minLength: 1, maxLength: 6 }),
        async (ns, bodies) => {
          resetTable();
          const before = bystanderItems();
          const id = POOL[0] as string;
          const connected = await invoke(
            'connect',
            connectEvent({ connectionId: id, connectedAt: CONNECTED_AT, query: { ns } }),
          );
          expect(connected).toEqual({ statusCode: 200 });
          for (const body of bodies) {
            const result = await invoke(
              'message',
              messageEvent({ connectionId: id, connectedAt: CONNECTED_AT, body }),
            );
            expect(result?.statusCode).toBe(200);
            expect(bystanderItems()).toEqual(before);
          }
          expect(await invoke('disconnect', disconnectEvent({ connectionId: id }))).toEqual({
            statusCode: 200,
          });
          expect(aws.table.keysOf(id)).toEqual([]);
        },
      ),
      runs(100),
    );
  });
});
