import type { Context } from 'aws-lambda';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';
import { ConnectEvent, lowerCaseKeys, type WebSocketResult } from './websocket-event';

/**
 * `$connect`: validates the event and lets the chat server accept (200) or refuse
 * (404 unknown namespace, 401/403 from middleware) the handshake.
 *
 * @example
 * export const handler = createConnectHandler(() => createChatRuntime({ dynamoDb }));
 */
export function createConnectHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return async (event: unknown, context?: Context): Promise<WebSocketResult> => {
    const { server, logger } = runtime();
    if (context) logger.addContext(context);
    const parsed = ConnectEvent.safeParse(event);
    if (!parsed.success) {
      logger.error('Invalid $connect event', { issues: parsed.error.issues });
      return { statusCode: 400, body: 'Bad request' };
    }
    const { requestContext, headers, queryStringParameters } = parsed.data;
    const result = await server.handleConnect({
      connectionId: requestContext.connectionId,
      connectedAt: requestContext.connectedAt,
      headers: lowerCaseKeys(headers),
      query: queryStringParameters ?? {},
      sourceIp: requestContext.identity.sourceIp ?? '',
      userAgent: requestContext.identity.userAgent ?? undefined,
      authorizer: requestContext.authorizer ?? undefined,
    });
    return { statusCode: result.statusCode, ...(result.message ? { body: result.message } : {}) };
  };
}

export const handler = createConnectHandler();
