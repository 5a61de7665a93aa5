import { randomBytes } from 'node:crypto';

/**
 * Builders of API Gateway WebSocket events shaped like the ones the Lambda proxy
 * integration delivers (see /work/shared/reference/apigw-websocket.md): ids of 16 base64
 * characters ending in `=`, `connectedAt`/`requestTimeEpoch` in epoch ms, headers and the
 * query string on `$connect` only.
 *
 * @example
 * const event = connectEvent({ connectionId: 'R1kmxc2VNjMCFIA=', query: { ns: '/chat' } });
 */

const API_ID = 'abc123defg';
const STAGE = 'prod';
const DOMAIN_NAME = `${API_ID}.execute-api.us-east-1.amazonaws.com`;

/** A random id shaped like API Gateway's (11 random bytes: 16 base64 characters ending in `=`). */
export function apiGatewayId(): string {
  return randomBytes(11).toString('base64');
}

let counter = 0;

/** A fresh, readable connection id shaped like API Gateway's, e.g. `K00000000000007=`. */
export function newConnectionId(): string {
  counter += 1;
  return `K${String(counter).padStart(14, '0')}=`;
}

/** API Gateway's `requestTime`, Common Log Format, e.g. `20/Jan/2024:11:55:00 +0000`. */
function requestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${month}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

interface CommonOptions {
  readonly connectionId: string;
  /** Epoch ms; the same for every event of one connection. Default: now. */
  readonly connectedAt?: number;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

function requestContext(
  routeKey: string,
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
  options: CommonOptions,
) {
  const now = Date.now();
  const connectedAt = options.connectedAt ?? now;
  const requestTimeEpoch = Math.max(now, connectedAt);
  return {
    routeKey,
    eventType,
    extendedRequestId: apiGatewayId(),
    requestTime: requestTime(requestTimeEpoch),
    messageDirection: 'IN',
    stage: STAGE,
    connectedAt,
    requestTimeEpoch,
    identity: {
      sourceIp: options.sourceIp ?? '203.0.113.7',
      userAgent: options.userAgent ?? 'Mozilla/5.0 (jest)',
    },
    requestId: apiGatewayId(),
    domainName: DOMAIN_NAME,
    connectionId: options.connectionId,
    apiId: API_ID,
  };
}

export interface ConnectEventOptions extends CommonOptions {
  /** The query string of the upgrade request; left out of the event when undefined, as API Gateway does. */
  readonly query?: Record<string, string>;
  /** Extra request headers (added to the WebSocket upgrade headers). */
  readonly headers?: Record<string, string>;
  /** `requestContext.authorizer`: the Lambda authorizer's context plus `principalId`. */
  readonly authorizer?: Record<string, string>;
}

/**
 * A `$connect` event: upgrade headers, the query string (when there is one), no body.
 *
 * @example
 * connectEvent({ connectionId: newConnectionId(), query: { ns: '/' } });
 */
export function connectEvent(options: ConnectEventOptions) {
  const headers: Record<string, string> = {
    Host: DOMAIN_NAME,
    'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    'User-Agent': options.userAgent ?? 'Mozilla/5.0 (jest)',
    'X-Amzn-Trace-Id': 'Root=1-65abc123-0123456789abcdef01234567',
    'X-Forwarded-For': options.sourceIp ?? '203.0.113.7',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...options.headers,
  };
  const multi = (map: Record<string, string>) =>
    Object.fromEntries(Object.entries(map).map(([key, value]) => [key, [value]]));
  return {
    headers,
    multiValueHeaders: multi(headers),
    ...(options.query === undefined
      ? {}
      : {
          queryStringParameters: options.query,
          multiValueQueryStringParameters: multi(options.query),
        }),
    requestContext: {
      ...requestContext('$connect', 'CONNECT', options),
      ...(options.authorizer === undefined ? {} : { authorizer: options.authorizer }),
    },
    isBase64Encoded: false,
  };
}

export interface MessageEventOptions extends CommonOptions {
  /** The raw text frame; left out of the event when undefined. */
  readonly body: string | undefined;
  readonly routeKey?: string;
  /** `requestContext.authorizer`, which API Gateway passes to every route of the connection. */
  readonly authorizer?: Record<string, string>;
}

/**
 * A MESSAGE event (`$default` unless told otherwise) carrying a raw text frame.
 *
 * @example
 * messageEvent({ connectionId, body: '{"action":"whoami","ack":1}' });
 */
export function messageEvent(options: MessageEventOptions) {
  return {
    requestContext: {
      ...requestContext(options.routeKey ?? '$default', 'MESSAGE', options),
      messageId: apiGatewayId(),
      ...(options.authorizer === undefined ? {} : { authorizer: options.authorizer }),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: false,
  };
}

/**
 * A MESSAGE event whose body is the wire-protocol frame `{action, data?, ack?}`.
 *
 * @example
 * frameEvent(connectionId, 'join', { room: 'lobby' }, 1);
 */
export function frameEvent(
  connectionId: string,
  action: string,
  data?: unknown,
  ack?: number,
  options: Omit<MessageEventOptions, 'connectionId' | 'body'> = {},
) {
  const body = JSON.stringify({
    action,
    ...(data === undefined ? {} : { data }),
    ...(ack === undefined ? {} : { ack }),
  });
  return messageEvent({ ...options, connectionId, body });
}

export interface DisconnectEventOptions extends CommonOptions {
  /** WebSocket close code, e.g. 1000 (normal), 1001 (going away), 1006 (abnormal). Default 1001. */
  readonly statusCode?: number;
  /** May be empty. Default `'Client-side close frame status not set'`. */
  readonly reason?: string;
}

/**
 * A `$disconnect` event with its close code and reason, no body.
 *
 * @example
 * disconnectEvent({ connectionId, statusCode: 1000, reason: 'bye' });
 */
export function disconnectEvent(options: DisconnectEventOptions) {
  return {
    headers: {
      Host: DOMAIN_NAME,
      'x-api-key': '',
      'X-Forwarded-For': '',
      'x-restapi': '',
    },
    multiValueHeaders: {
      Host: [DOMAIN_NAME],
      'x-api-key': [''],
      'X-Forwarded-For': [''],
      'x-restapi': [''],
    },
    requestContext: {
      ...requestContext('$disconnect', 'DISCONNECT', options),
      disconnectStatusCode: options.statusCode ?? 1001,
      disconnectReason: options.reason ?? 'Client-side close frame status not set',
    },
    isBase64Encoded: false,
  };
}
