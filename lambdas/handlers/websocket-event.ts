import * as z from '../core/zod';

/** The `requestContext` every route's event carries, with the fields of one event type. */
function requestContext<const Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.looseObject({
    routeKey: z.string(),
    connectionId: z.string().check(z.minLength(1)),
    requestId: z.string(),
    domainName: z.string(),
    stage: z.string(),
    apiId: z.string(),
    connectedAt: z.number().check(z.int(), z.nonnegative()),
    requestTimeEpoch: z.number().check(z.int(), z.nonnegative()),
    identity: z.looseObject({
      sourceIp: z.optional(z.string()),
      userAgent: z.nullish(z.string()),
    }),
    authorizer: z.nullish(z.record(z.string(), z.unknown())),
    ...shape,
  });
}

const stringMap = () => z.nullish(z.record(z.string(), z.string()));

/**
 * API Gateway's `$connect` event (Lambda proxy integration).
 *
 * @example
 * const event = ConnectEvent.parse(rawEvent);
 */
export const ConnectEvent = z.onFirstUse(() =>
  z.looseObject({
    requestContext: requestContext({ eventType: z.literal('CONNECT') }),
    headers: stringMap(),
    queryStringParameters: stringMap(),
  }),
);
export type ConnectEvent = z.infer<typeof ConnectEvent>;

/** A MESSAGE event (`$default` or a custom route). */
export const MessageEvent = z.onFirstUse(() =>
  z.looseObject({
    requestContext: requestContext({
      eventType: z.literal('MESSAGE'),
      messageId: z.optional(z.string()),
    }),
    body: z.nullish(z.string()),
    isBase64Encoded: z.optional(z.boolean()),
  }),
);
export type MessageEvent = z.infer<typeof MessageEvent>;

/** The `$disconnect` event. */
export const DisconnectEvent = z.onFirstUse(() =>
  z.looseObject({
    requestContext: requestContext({
      eventType: z.literal('DISCONNECT'),
      disconnectStatusCode: z.nullish(z.number().check(z.int())),
      disconnectReason: z.nullish(z.string()),
    }),
  }),
);
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
