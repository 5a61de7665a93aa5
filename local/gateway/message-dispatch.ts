import { type ConnectionFacts, messageEvent, newRequest } from './events';
import { runIntegration } from './integration';
import type { LambdaRunner } from './lambda-runner';
import type { GatewayLogger } from './logger';
import type { RouteSelector } from './route-selection';

/** What dispatching needs of a connection. */
export interface MessageTarget {
  readonly facts: ConnectionFacts;
  send(text: string): boolean;
}

export interface MessageDispatchOptions {
  readonly runner: LambdaRunner;
  readonly selectRoute: RouteSelector;
  readonly integrationTimeoutMs: number;
  /** Told why a malformed result was answered with "Internal server error". */
  readonly logger: GatewayLogger;
}

/**
 * The frame API Gateway sends when it cannot route or integrate a message, spaced as AWS
 * spaces it.
 *
 * @example
 * errorFrame('Forbidden', 'R1kmxc2VNjMCFIA=', 'GXLKJHf0liACFzQ=');
 * // '{"message": "Forbidden", "connectionId":"R1kmxc2VNjMCFIA=", "requestId":"GXLKJHf0liACFzQ="}'
 */
export function errorFrame(message: string, connectionId: string, requestId: string): string {
  const quote = JSON.stringify;
  return `{"message": ${quote(message)}, "connectionId":${quote(connectionId)}, "requestId":${quote(requestId)}}`;
}

/**
 * Handles one message from a client as API Gateway does: selects the route, runs its
 * integration, sends a two-way route's `body` back as one message; answers "Forbidden" when
 * no route matches, "Internal server error" when the Lambda fails or returns a malformed result,
 * and "Endpoint request timed out" past the integration timeout. The connection stays open in every case.
 *
 * @example
 * const dispatch = createMessageDispatcher({ runner, selectRoute, integrationTimeoutMs: 29_000 });
 * ws.on('message', (data) => void dispatch(connection, data.toString()));
 */
export function createMessageDispatcher(
  options: MessageDispatchOptions,
): (connection: MessageTarget, body: string) => Promise<void> {
  const { runner, selectRoute, integrationTimeoutMs, logger } = options;
  return async (connection, body) => {
    const request = newRequest();
    const reply = (message: string): void => {
      connection.send(errorFrame(message, connection.facts.connectionId, request.requestId));
    };
    const route = selectRoute(body);
    if (route === undefined) {
      reply('Forbidden');
      return;
    }
    const event = messageEvent(connection.facts, request, route.routeKey, body);
    const response = await runIntegration(runner, route.integration, event, integrationTimeoutMs);
    if (response.kind === 'malformed') {
      logger.error(`${route.routeKey} returned a malformed result:\n${response.reason}`);
      reply('Internal server error');
    } else if (response.kind === 'failed') reply('Internal server error');
    else if (response.kind === 'timed-out') reply('Endpoint request timed out');
    else if (route.returnResponse && response.body) connection.send(response.body);
  };
}
