import { CONNECT_AUTHORIZER } from '../../definitions/api';
import { traceInvocation } from '../adapters/trace-invocation';
import { chatHandler, deadlineOf } from './chat-handler';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';
import { ConnectEvent, lowerCaseKeys, type WebSocketResult } from './websocket-event';

/**
 * The subprotocol to answer with: `apigw-chat` when the client offered it (browsers fail the
 * handshake unless one offered protocol is echoed). Tokens offered as `token.<jwt>` are never echoed.
 *
 * @example
 * acceptedSubprotocol({ 'sec-websocket-protocol': 'apigw-chat, token.eyJ…' }); // 'apigw-chat'
 */
export function acceptedSubprotocol(headers: Readonly<Record<string, string>>): string | undefined {
  const offered = headers['sec-websocket-protocol']?.split(',').map((item) => item.trim()) ?? [];
  return offered.includes(CONNECT_AUTHORIZER.subprotocol)
    ? CONNECT_AUTHORIZER.subprotocol
    : undefined;
}

/**
 * `$connect`: validates the event and lets the chat server accept (200) or refuse
 * (404 unknown namespace, 401/403 from middleware) the handshake. The authorizer's
 * `{ userId, name }` becomes `socket.data.user`; an offered `apigw-chat` subprotocol is echoed.
 * The invocation is traced (route `$connect`) and its metrics are published, even on errors.
 *
 * @example
 * export const handler = createConnectHandler(() => createChatRuntime({ dynamoDb }));
 */
export function createConnectHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return chatHandler<ConnectEvent, WebSocketResult>(
    {
      event: ConnectEvent,
      invalidMessage: 'Invalid $connect event',
      invalid: () => ({ statusCode: 400, body: 'Bad request' }),
      handle: async (
        { requestContext, headers, queryStringParameters },
        { server, tracer },
        context,
      ) => {
        const lowerCased = lowerCaseKeys(headers);
        const result = await traceInvocation(tracer, 'connect', { route: '$connect' }, () =>
          server.handleConnect({
            connectionId: requestContext.connectionId,
            connectedAt: requestContext.connectedAt,
            headers: lowerCased,
            query: queryStringParameters ?? {},
            sourceIp: requestContext.identity.sourceIp ?? '',
            userAgent: requestContext.identity.userAgent ?? undefined,
            authorizer: requestContext.authorizer ?? undefined,
            deadline: deadlineOf(context),
          }),
        );
        const protocol = acceptedSubprotocol(lowerCased);
        return {
          statusCode: result.statusCode,
          ...(result.message ? { body: result.message } : {}),
          ...(protocol && result.statusCode < 300
            ? { headers: { 'Sec-WebSocket-Protocol': protocol } }
            : {}),
        };
      },
    },
    runtime,
  );
}

export const handler = createConnectHandler();
