import type { RouteDefinition } from '../../definitions/api';
import { type parseIdentitySources, runAuthorizer } from './authorizer';
import { authorizerEvent, type ConnectionFacts, connectEvent, type RequestFacts } from './events';
import { runIntegration } from './integration';
import type { LambdaRunner } from './lambda-runner';
import type { GatewayLogger } from './logger';
import type { HeaderParameters, QueryParameters } from './request-parameters';

/** The handshake's outcome: open the socket (with the subprotocol `$connect` chose), or answer `statusCode`. */
export type HandshakeVerdict =
  | {
      readonly accepted: true;
      readonly facts: ConnectionFacts;
      readonly protocol: string | undefined;
    }
  | {
      readonly accepted: false;
      readonly statusCode: number;
      /** Why, when the emulator decided it (see `AuthorizerVerdict`). */
      readonly reason?: string | undefined;
    };

export interface ConnectHandshakeOptions {
  readonly runner: LambdaRunner;
  /** The `$connect` route; without one every connection is accepted. */
  readonly connectRoute: RouteDefinition | undefined;
  readonly authorizer:
    | {
        readonly functionName: string;
        readonly identitySources: ReturnType<typeof parseIdentitySources>;
      }
    | undefined;
  readonly integrationTimeoutMs: number;
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect`, for the authorizer's policy. */
  readonly methodArn: string;
  /** Told why a malformed `$connect` result refused a connection. */
  readonly logger: GatewayLogger;
}

/** The one header of the `$connect` result that reaches the client. */
const PROTOCOL_HEADER = 'sec-websocket-protocol';

/**
 * Decides a WebSocket upgrade as API Gateway does, before the handshake completes: the
 * authorizer (if any) may refuse with 401/403/500; then `$connect` runs and a 2xx result opens
 * the socket, any other status is the handshake's status, a Lambda error or a malformed result
 * (`statusCode: '403'`, a body that is not a string, array header values) gives 502 and the
 * integration timeout 504: AWS never opens a socket on a result it cannot read. The subprotocol is the one the result echoes in
 * `headers['Sec-WebSocket-Protocol']`, if any.
 *
 * @example
 * const verdict = await negotiateConnect(options, facts, newRequest(facts.connectedAt), headers, query);
 * if (!verdict.accepted) abortHandshake(verdict.statusCode);
 */
export async function negotiateConnect(
  options: ConnectHandshakeOptions,
  connection: ConnectionFacts,
  request: RequestFacts,
  headers: HeaderParameters,
  query: QueryParameters,
): Promise<HandshakeVerdict> {
  let facts = connection;
  if (options.authorizer) {
    const { functionName, identitySources } = options.authorizer;
    const event = authorizerEvent(connectEvent(facts, request, headers, query), options.methodArn);
    const verdict = await runAuthorizer(options.runner, functionName, identitySources, event);
    if (!verdict.allowed) {
      return { accepted: false, statusCode: verdict.statusCode, reason: verdict.reason };
    }
    facts = { ...facts, authorizer: verdict.context };
  }
  if (options.connectRoute === undefined) return { accepted: true, facts, protocol: undefined };

  const event = connectEvent(facts, request, headers, query);
  const response = await runIntegration(
    options.runner,
    options.connectRoute.integration,
    event,
    options.integrationTimeoutMs,
  );
  if (response.kind === 'malformed') {
    options.logger.error(
      `$connect returned a malformed result, refused with 502:\n${response.reason}`,
    );
    return { accepted: false, statusCode: 502 };
  }
  if (response.kind === 'failed') return { accepted: false, statusCode: 502 };
  if (response.kind === 'timed-out') return { accepted: false, statusCode: 504 };
  if (response.statusCode < 200 || response.statusCode > 299) {
    return { accepted: false, statusCode: response.statusCode };
  }
  const protocol = Object.entries(response.headers).find(
    ([name]) => name.toLowerCase() === PROTOCOL_HEADER,
  )?.[1];
  return { accepted: true, facts, protocol };
}
