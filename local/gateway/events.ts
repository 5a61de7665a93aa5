import { formatClfTime } from './clf-time';
import { newGatewayId } from './ids';
import type { HeaderParameters, QueryParameters } from './request-parameters';

/** `requestContext.identity` of a WebSocket event. */
export interface EventIdentity {
  readonly sourceIp: string;
  readonly userAgent: string;
}

/** `requestContext.authorizer`: the Lambda authorizer's context plus its `principalId`. */
export type AuthorizerContext = Readonly<Record<string, string | number | boolean>>;

/** What every event of one connection shares. */
export interface ConnectionFacts {
  readonly connectionId: string;
  /** Epoch ms; the same in every event of the connection. */
  readonly connectedAt: number;
  readonly identity: EventIdentity;
  readonly domainName: string;
  readonly stage: string;
  readonly apiId: string;
  readonly authorizer?: AuthorizerContext;
}

export interface WebSocketRequestContext {
  readonly routeKey: string;
  readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  readonly extendedRequestId: string;
  readonly requestTime: string;
  readonly messageDirection: 'IN';
  readonly stage: string;
  readonly connectedAt: number;
  readonly requestTimeEpoch: number;
  readonly identity: EventIdentity;
  readonly requestId: string;
  readonly domainName: string;
  readonly connectionId: string;
  readonly apiId: string;
  readonly messageId?: string;
  readonly disconnectStatusCode?: number;
  readonly disconnectReason?: string;
  readonly authorizer?: AuthorizerContext;
}

export interface ConnectEvent extends HeaderParameters, QueryParameters {
  readonly requestContext: WebSocketRequestContext;
  readonly isBase64Encoded: false;
}

export interface MessageEvent {
  readonly requestContext: WebSocketRequestContext;
  readonly body: string;
  readonly isBase64Encoded: false;
}

export interface DisconnectEvent extends HeaderParameters {
  readonly requestContext: WebSocketRequestContext;
  readonly isBase64Encoded: false;
}

/** One request of a connection: its id and when it arrived. */
export interface RequestFacts {
  readonly requestId: string;
  readonly requestTimeEpoch: number;
}

/**
 * A fresh request: API Gateway's WebSocket events carry the same value in `requestId` and
 * `extendedRequestId`.
 *
 * @example
 * const request = newRequest(); // { requestId: 'GXLKJHf0liACFzQ=', requestTimeEpoch: 1705751700000 }
 */
export function newRequest(now = Date.now()): RequestFacts {
  return { requestId: newGatewayId(), requestTimeEpoch: now };
}

/**
 * The `$connect` event: headers and query string, no body.
 *
 * @example
 * const event = connectEvent(connection, newRequest(connection.connectedAt), headers, query);
 */
export function connectEvent(
  connection: ConnectionFacts,
  request: RequestFacts,
  headers: HeaderParameters,
  query: QueryParameters,
): ConnectEvent {
  return {
    headers: headers.headers,
    multiValueHeaders: headers.multiValueHeaders,
    ...query,
    requestContext: requestContext(connection, request, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  };
}

/**
 * A MESSAGE event for `$default` or a custom route: the body as received, a `messageId`, no
 * headers and no query string.
 *
 * @example
 * const event = messageEvent(connection, newRequest(), '$default', '{"event":"hello"}');
 */
export function messageEvent(
  connection: ConnectionFacts,
  request: RequestFacts,
  routeKey: string,
  body: string,
): MessageEvent {
  return {
    requestContext: {
      ...requestContext(connection, request, routeKey, 'MESSAGE'),
      messageId: newGatewayId(),
    },
    body,
    isBase64Encoded: false,
  };
}

/**
 * The `$disconnect` event with the close status code and reason. Its headers are the few
 * API Gateway sends on `$disconnect` (`Host` and empty `x-api-key`, `X-Forwarded-For`, `x-restapi`).
 *
 * @example
 * const event = disconnectEvent(connection, newRequest(), 1001, 'Going away');
 */
export function disconnectEvent(
  connection: ConnectionFacts,
  request: RequestFacts,
  statusCode: number,
  reason: string,
): DisconnectEvent {
  const headers = {
    Host: connection.domainName,
    'x-api-key': '',
    'X-Forwarded-For': '',
    'x-restapi': '',
  };
  const multiValueHeaders = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, [value]]),
  );
  return {
    headers,
    multiValueHeaders,
    requestContext: {
      ...requestContext(connection, request, '$disconnect', 'DISCONNECT'),
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
    },
    isBase64Encoded: false,
  };
}

function requestContext(
  connection: ConnectionFacts,
  request: RequestFacts,
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
): WebSocketRequestContext {
  return {
    routeKey,
    eventType,
    extendedRequestId: request.requestId,
    requestTime: formatClfTime(request.requestTimeEpoch),
    messageDirection: 'IN',
    stage: connection.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: request.requestTimeEpoch,
    identity: connection.identity,
    requestId: request.requestId,
    domainName: connection.domainName,
    connectionId: connection.connectionId,
    apiId: connection.apiId,
    ...(connection.authorizer === undefined ? {} : { authorizer: connection.authorizer }),
  };
}

/** The event of a Lambda REQUEST authorizer on `$connect`. */
export interface AuthorizerEvent extends HeaderParameters, QueryParameters {
  readonly type: 'REQUEST';
  readonly methodArn: string;
  readonly stageVariables: Record<string, string>;
  readonly requestContext: WebSocketRequestContext;
}

/**
 * The REQUEST authorizer's event: the `$connect` request plus `methodArn`.
 *
 * @example
 * const event = authorizerEvent(connectEvent(connection, request, headers, query), 'arn:aws:execute-api:us-east-1:123456789012:abc/local/$connect');
 */
export function authorizerEvent(connect: ConnectEvent, methodArn: string): AuthorizerEvent {
  const { isBase64Encoded: _ignored, ...request } = connect;
  return { type: 'REQUEST', methodArn, stageVariables: {}, ...request };
}
