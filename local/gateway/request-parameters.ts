import { randomBytes } from 'node:crypto';

/** Single- and multi-value maps, as in a Lambda proxy event. */
export interface HeaderParameters {
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
}

/** Present only when the URL has a query string, as API Gateway does. */
export interface QueryParameters {
  readonly queryStringParameters?: Record<string, string>;
  readonly multiValueQueryStringParameters?: Record<string, string[]>;
}

/** Headers the gateway consumes instead of passing on. */
const HOP_BY_HOP = new Set(['connection', 'upgrade']);

export interface ForwardingFacts {
  readonly sourceIp: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
}

/**
 * The `$connect` event's headers from Node's `req.rawHeaders`: names as the client spelled
 * them, the last value wins in `headers`, every value in `multiValueHeaders`; hop-by-hop
 * headers dropped and the ones API Gateway adds (`X-Amzn-Trace-Id`, `X-Forwarded-*`) added.
 *
 * @example
 * headerParameters(['Host', 'localhost:3001', 'Sec-WebSocket-Version', '13'], { sourceIp: '127.0.0.1', port: 3001, protocol: 'http' });
 * // { headers: { Host: 'localhost:3001', 'Sec-WebSocket-Version': '13', 'X-Amzn-Trace-Id': 'Root=1-…', … }, multiValueHeaders: { … } }
 */
export function headerParameters(
  rawHeaders: readonly string[],
  facts: ForwardingFacts,
): HeaderParameters {
  const pairs: [string, string][] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (!HOP_BY_HOP.has(name.toLowerCase())) pairs.push([name, rawHeaders[index + 1] as string]);
  }
  const forwardedFor = pairs.find(([name]) => name.toLowerCase() === 'x-forwarded-for')?.[1];
  const withoutForwarding = pairs.filter(
    ([name]) => !/^x-forwarded-(for|port|proto)$|^x-amzn-trace-id$/i.test(name),
  );
  withoutForwarding.push(
    ['X-Amzn-Trace-Id', traceId()],
    ['X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${facts.sourceIp}` : facts.sourceIp],
    ['X-Forwarded-Port', String(facts.port)],
    ['X-Forwarded-Proto', facts.protocol],
  );
  return toMaps(withoutForwarding);
}

/**
 * The query string as API Gateway passes it: values URL-decoded, the last value wins in
 * `queryStringParameters`; both maps absent when there is no query string.
 *
 * @example
 * queryParameters('?ns=%2F&tag=a&tag=b');
 * // { queryStringParameters: { ns: '/', tag: 'b' }, multiValueQueryStringParameters: { ns: ['/'], tag: ['a', 'b'] } }
 */
export function queryParameters(search: string): QueryParameters {
  const params = new URLSearchParams(search);
  const pairs = [...params.entries()];
  if (pairs.length === 0) return {};
  const { headers, multiValueHeaders } = toMaps(pairs);
  return { queryStringParameters: headers, multiValueQueryStringParameters: multiValueHeaders };
}

function toMaps(pairs: readonly [string, string][]): HeaderParameters {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    headers[name] = value;
    const values = multiValueHeaders[name];
    if (values) values.push(value);
    else multiValueHeaders[name] = [value];
  }
  return { headers, multiValueHeaders };
}

/** An X-Ray trace header: `Root=1-{epoch seconds, hex}-{24 hex digits}`. */
function traceId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')}`;
}
