import fc from 'fast-check';
import { ERROR_CODES } from '../../../lambdas/core/errors';
import {
  argsOf,
  type ClientFrame,
  EVENT_NAME,
  encodeAck,
  encodeEvent,
  encodeFailure,
  MAX_ARGS,
  MAX_FRAME_DEPTH,
  parseClientFrame,
  payloadOf,
} from '../../../lambdas/core/protocol';
import { setUpFuzzing } from '../../support/fuzz';

/**
 * Property-based fuzzing of wire protocol v1 (docs/protocol.md): the frame parser and the
 * encoders. Runs are reproducible: the seed is fixed (override with FUZZ_SEED, scale the run
 * counts with FUZZ_RUNS=10) and fast-check prints seed, path and counterexample on failure.
 */
const { runs } = setUpFuzzing();

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

/** Any UTF-16 code unit, lone surrogates included (fc's 'binary' unit leaves those out). */
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: utf16Unit }),
);

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const FRAME_KEYS = ['action', 'data', 'args', 'ack', 'n'];

/** Number literals as JSON text: huge, tiny, negative zero, past the safe range, exponents. */
const numberText = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '1',
    '1.0',
    '1e0',
    '1E2',
    '0.5',
    '-1',
    '1e400',
    '-1e400',
    '1e-400',
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '12345678901234567890123456789',
    '3.0000000000000001',
    '1.7976931348623157e308',
  ),
  fc.double().map((value) => (Number.isFinite(value) ? JSON.stringify(value) : '1e999')),
  fc.maxSafeInteger().map(String),
);

/** A JSON value, as JSON text, that may carry prototype-pollution keys at any level. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
    numberText,
    fc
      .array(fc.tuple(fc.constantFrom(...PROTO_KEYS, ...FRAME_KEYS, 'room'), tie('value')), {
        maxLength: 4,
      })
      .map(objectText),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  ),
})).value;

/** `{"k":v,...}` built as text, so keys may repeat and `__proto__` stays an own key. */
function objectText(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

const actionText = fc
  .oneof(
    fc.constantFrom('whoami', 'join', '', 'x'.repeat(128), 'x'.repeat(129), ...PROTO_KEYS),
    anyString,
    fc.jsonValue({ maxDepth: 1 }),
  )
  .map((action) => JSON.stringify(action));

const ackText = fc.oneof(
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map(String),
  numberText,
  fc.jsonValue({ maxDepth: 1 }).map((value) => JSON.stringify(value)),
);

/** Frame-shaped objects: the three keys in any order, sometimes missing, repeated or joined by others. */
const frameText = fc
  .record(
    {
      action: actionText,
      data: jsonText,
      args: fc.oneof(
        fc.array(jsonText, { maxLength: MAX_ARGS + 1 }).map((items) => `[${items.join(',')}]`),
        jsonText,
      ),
      ack: ackText,
      n: ackText,
      extra: fc.array(fc.tuple(fc.constantFrom(...PROTO_KEYS, 'from', 'event', 'ns'), jsonText), {
        maxLength: 2,
      }),
    },
    { requiredKeys: ['action'] },
  )
  .chain(({ action, data, args, ack, n, extra }) =>
    fc.shuffledSubarray(
      [
        ['action', action] as const,
        ...(data === undefined ? [] : [['data', data] as const]),
        ...(args === undefined ? [] : [['args', args] as const]),
        ...(ack === undefined ? [] : [['ack', ack] as const]),
        ...(n === undefined ? [] : [['n', n] as const]),
        ...(extra ?? []),
      ],
      { minLength: 0 },
    ),
  )
  .map(objectText);

/** A frame cut short, or with a character inserted or replaced. */
const mangledText = fc
  .tuple(frameText, fc.nat(), fc.nat(), utf16Unit, fc.constantFrom('cut', 'insert', 'replace'))
  .map(([text, at, length, char, how]) => {
    const index = at % (text.length + 1);
    if (how === 'cut') return text.slice(0, index);
    if (how === 'insert') return text.slice(0, index) + char + text.slice(index);
    return text.slice(0, index) + char + text.slice(index + 1 + (length % 3));
  });

/** Data nested up to 300 levels deep, around the limit of MAX_FRAME_DEPTH. */
const deepText = fc
  .tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom('[]', '{"a":}'), fc.boolean())
  .map(([depth, shape, withAck]) => {
    const [open, close] = shape === '[]' ? ['[', ']'] : ['{"a":', '}'];
    const data = `${open.repeat(depth)}1${close.repeat(depth)}`;
    return `{"action":"broadcast","data":${data}${withAck ? ',"ack":1' : ''}}`;
  });

const anyBody = fc.oneof(
  anyString,
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.anything().map((value) => {
    try {
      return JSON.stringify(value) ?? 'undefined';
    } catch {
      return String(Object.prototype.toString.call(value));
    }
  }),
  jsonText,
  frameText,
  frameText,
  mangledText,
  deepText,
);

// ---------------------------------------------------------------------------------------------
// Oracle: what docs/protocol.md says a client frame is
// ---------------------------------------------------------------------------------------------

const isPositiveSafeInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The frame the protocol accepts for this JSON value, or undefined when it must be refused. */
function expectedFrame(json: unknown): ClientFrame | undefined {
  if (!isPlainObject(json)) return undefined;
  if (deepestContainer(json) >= MAX_FRAME_DEPTH) return undefined;
  if (Object.keys(json).some((key) => !FRAME_KEYS.includes(key))) return undefined;
  const { action, ack } = json;
  if (typeof action !== 'string' || !EVENT_NAME.test(action)) return undefined;
  if ('ack' in json && !isPositiveSafeInteger(ack)) return undefined;
  if ('n' in json && !isPositiveSafeInteger(json.n)) return undefined;
  if ('args' in json) {
    if (!Array.isArray(json.args) || json.args.length > MAX_ARGS) return undefined;
    if ('data' in json) return undefined;
  }
  return json as ClientFrame;
}

/** Depth of the deepest array or object (the value itself at 0; -1 when it holds none). */
function deepestContainer(value: unknown, depth = 0): number {
  if (value === null || typeof value !== 'object') return -1;
  const children = Object.values(value).map((child) => deepestContainer(child, depth + 1));
  return Math.max(depth, ...children);
}

function tryParse(text: string | undefined): { ok: true; json: unknown } | { ok: false } {
  try {
    return { ok: true, json: JSON.parse(text ?? '') };
  } catch {
    return { ok: false };
  }
}

const objectPrototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('Fuzz: parseClientFrame', () => {
  const prototypeBefore = objectPrototypeKeys();

  afterEach(() => {
    // Nothing the parser read may have polluted Object.prototype.
    expect(objectPrototypeKeys()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws, accepts exactly the documented frames and reads ack ids only when valid', () => {
    fc.assert(
      fc.property(fc.option(anyBody, { nil: undefined, freq: 50 }), (body) => {
        const parsed = parseClientFrame(body);
        const json = tryParse(body);
        const expected = json.ok ? expectedFrame(json.json) : undefined;

        if (parsed.ok) {
          expect(expected).toBeDefined();
          if (!('frame' in parsed)) throw new Error('an answer frame from random input');
          const { frame } = parsed;
          expect(Object.getPrototypeOf(frame)).toBe(Object.prototype);
          expect(Object.keys(frame).every((key) => FRAME_KEYS.includes(key))).toBe(true);
          expect(typeof frame.action).toBe('string');
          expect(frame.action.length).toBeGreaterThanOrEqual(1);
          expect(frame.action.length).toBeLessThanOrEqual(128);
          if ('ack' in frame) expect(isPositiveSafeInteger(frame.ack)).toBe(true);
          expect(frame).toEqual(expected);
          return;
        }

        expect(expected).toBeUndefined();
        expect(typeof parsed.message).toBe('string');
        expect(parsed.message.length).toBeGreaterThan(0);
        const claimed = json.ok ? (json.json as { ack?: unknown } | null)?.ack : undefined;
        if ('ack' in parsed) {
          expect(isPositiveSafeInteger(parsed.ack)).toBe(true);
          expect(parsed.ack).toBe(claimed);
        } else {
          expect(isPositiveSafeInteger(claimed)).toBe(false);
        }
      }),
      runs(1500),
    );
  });

  it('keeps __proto__ and constructor keys of data as plain own data', () => {
    // Prepare
    const body =
      '{"action":"join","data":{"__proto__":{"room":"lobby","polluted":1},"constructor":{"prototype":{"polluted":1}}},"ack":2}';

    // Act
    const parsed = parseClientFrame(body);

    // Assess
    expect(parsed.ok).toBe(true);
    const data =
      parsed.ok && 'frame' in parsed ? (parsed.frame.data as Record<string, unknown>) : {};
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(data.room).toBeUndefined();
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor']);
  });

  it.each([
    ['{"action":"x","__proto__":{"ack":1}}', undefined],
    ['{"__proto__":{"action":"whoami"},"ack":4}', 4],
    ['{"action":"x","ack":1e400}', undefined],
    ['{"action":"x","ack":9007199254740992}', undefined],
    ['{"action":"x","ack":-0}', undefined],
    ['{"action":"x","ack":"3"}', undefined],
    ['{"action":"","ack":7}', 7],
    ['[{"action":"x","ack":1}]', undefined],
  ])('refuses %s, with ack %p', (body, ack) => {
    const parsed = parseClientFrame(body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? undefined : parsed.ack).toBe(ack);
  });
});

describe('Fuzz: encoders', () => {
  const code = fc.constantFrom(...ERROR_CODES);
  const ackId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
  const optionalString = fc.option(anyString, { nil: undefined });

  it('encodeFailure is always valid JSON that carries the code, message, ack and ns', () => {
    fc.assert(
      fc.property(
        code,
        anyString,
        fc.option(ackId, { nil: undefined }),
        optionalString,
        (errorCode, message, ack, ns) => {
          const frame = JSON.parse(encodeFailure({ code: errorCode, message, ack, ns }));
          const error = { code: errorCode, message };
          if (ack === undefined) {
            expect(frame).toEqual({
              event: 'error',
              data: error,
              ...(ns === undefined ? {} : { ns }),
            });
          } else {
            expect(frame).toEqual({ ack, error });
          }
        },
      ),
      runs(300),
    );
  });

  it('encodeEvent is always valid JSON; room and from appear only when given', () => {
    fc.assert(
      fc.property(
        anyString,
        fc.jsonValue(),
        anyString,
        optionalString,
        optionalString,
        (event, data, ns, room, from) => {
          const frame = JSON.parse(encodeEvent({ event, data, ns, room, from }));
          expect(frame).toEqual({
            event,
            data: JSON.parse(JSON.stringify(data)),
            ns,
            ...(room === undefined ? {} : { room }),
            ...(from === undefined ? {} : { from }),
          });
          expect('room' in frame).toBe(room !== undefined);
          expect('from' in frame).toBe(from !== undefined);
        },
      ),
      runs(300),
    );
  });

  it('every frame parseClientFrame accepts can be sent on as an event and as an ack', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        const parsed = parseClientFrame(body);
        if (!parsed.ok || !('frame' in parsed)) return;
        const { action, ack } = parsed.frame;
        const args = argsOf(parsed.frame);
        const sent = JSON.parse(JSON.stringify(args));
        const payload =
          args.length === 1 ? { data: sent[0] ?? null } : { data: sent[0] ?? null, args: sent };
        const event = JSON.parse(
          encodeEvent({ event: action, ...payloadOf(args), ns: '/', from: 'A' }),
        );
        expect(event).toEqual({ event: action, ...payload, ns: '/', from: 'A' });
        expect(JSON.parse(encodeAck(ack ?? 1, ...args))).toEqual({ ack: ack ?? 1, ...payload });
      }),
      runs(500),
    );
  });

  // Found by this fuzzing: data nested thousands deep used to be accepted, then could not be
  // encoded for any recipient. Frames deeper than MAX_FRAME_DEPTH are now refused.
  it('refuses data nested 10,000 deep, which could not be encoded, keeping its ack id', () => {
    // Prepare
    const depth = 10_000;
    const body = `{"action":"broadcast","data":${'['.repeat(depth)}${']'.repeat(depth)},"ack":1}`;

    // Act
    const parsed = parseClientFrame(body);

    // Assess
    expect(body.length).toBeLessThan(32 * 1024);
    expect(parsed).toEqual({ ok: false, message: expect.stringContaining('deeper'), ack: 1 });
  });
});
