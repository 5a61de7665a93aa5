import { z } from 'zod';

const Identity = z.looseObject({
  sourceIp: z.string().optional(),
  userAgent: z.string().nullish(),
});

const RequestContext = z.looseObject({
  routeKey: z.string(),
  connectionId: z.string().min(1),
  requestId: z.string(),
  domainName: z.string(),
  stage: z.string(),
  apiId: z.string(),
  connectedAt: z.number().int().nonnegative(),
  requestTimeEpoch: z.number().int().nonnegative(),
  identity: Identity,
  authorizer: z.record(z.string(), z.unknown()).nullish(),
});

const StringMap = z.record(z.string(), z.string()).nullish();

/**
 * API Gateway's `$connect` event (Lambda proxy integration).
 *
 * @example
 * const event = ConnectEvent.parse(rawEvent);
 */
export const ConnectEvent = z.looseObject({
  requestContext: RequestContext.extend({ eventType: z.literal('CONNECT') }),
  headers: StringMap,
  queryStringParameters: StringMap,
});
export type ConnectEvent = z.infer<typeof ConnectEvent>;

/** A MESSAGE event (`$default` or a custom route). */
export const MessageEvent = z.looseObject({
  requestContext: RequestContext.extend({
    eventType: z.literal('MESSAGE'),
    messageId: z.string().optional(),
  }),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
});
export type MessageEvent = z.infer<typeof MessageEvent>;

/** The `$disconnect` event. */
export const DisconnectEvent = z.looseObject({
  requestContext: RequestContext.extend({
    eventType: z.literal('DISCONNECT'),
    disconnectStatusCode: z.number().int().nullish(),
    disconnectReason: z.string().nullish(),
  }),
});
export type DisconnectEvent = z.infer<typeof DisconnectEvent>;

/** The result API Gateway expects from a WebSocket route's Lambda proxy integration. */
export interface WebSocketResult {
  statusCode: number;
  body?: string;
  headers?: Record<string, string>;
}

/** Header names lower-cased, as HTTP treats them. */
export function lowerCaseKeys(
  map: Readonly<Record<string, string>> | null | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map ?? {}).map(([key, value]) => [key.toLowerCase(), value]),
  );
}
