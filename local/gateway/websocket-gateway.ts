import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { type WebSocket, WebSocketServer } from 'ws';
import type { RouteDefinition } from '../../definitions/api';
import { parseIdentitySources } from './authorizer';
import {
  type ConnectHandshakeOptions,
  type HandshakeVerdict,
  negotiateConnect,
} from './connect-handshake';
import { GatewayConnection, GOING_AWAY } from './connection';
import { createDualProtocolServer } from './dual-protocol-server';
import { type ConnectionFacts, disconnectEvent, newRequest } from './events';
import {
  type GatewayFunctions,
  type GatewayOptions,
  type GatewaySettings,
  withDefaults,
} from './gateway-options';
import { sendAwsError, sendJson } from './http-io';
import { type HttpRoute, pathSegments } from './http-route';
import { newGatewayId } from './ids';
import { runIntegration } from './integration';
import { createLambdaInvokeApi } from './lambda-invoke-api';
import { LambdaRunner } from './lambda-runner';
import { localCertificate } from './local-certificate';
import { loopbackHostCheck } from './loopback-host';
import { createManagementApi } from './management-api';
import { createMessageDispatcher } from './message-dispatch';
import { headerParameters, queryParameters } from './request-parameters';
import { createRouteSelector } from './route-selection';
import { createSigV4Check } from './sigv4-check';
import { createStaticFiles } from './static-files';

/** A running emulator of one API Gateway WebSocket API stage. */
export interface Gateway {
  /** WebSocket URL, e.g. `ws://127.0.0.1:3001/local`. */
  readonly url: string;
  /** The `@connections` endpoint (the SDK's `endpoint`), e.g. `http://127.0.0.1:3001/local`. */
  readonly managementUrl: string;
  /** The same WebSocket URL over TLS, e.g. `wss://127.0.0.1:3001/local`. */
  readonly secureUrl: string;
  /**
   * The `@connections` endpoint over TLS, e.g. `https://127.0.0.1:3001/local`: the callback URL
   * of the AWS docs, `https://{domainName}/{stage}`, built from any event, reaches it.
   */
  readonly secureManagementUrl: string;
  /** The self-signed certificate (PEM) of the TLS side, for clients to trust. */
  readonly certificate: string;
  /** The Lambda Invoke API endpoint, e.g. `http://127.0.0.1:3001`. */
  readonly lambdaUrl: string;
  readonly port: number;
  readonly stage: string;
  readonly apiId: string;
  /** Adds or replaces handler functions (e.g. once their environment could be computed from `url`). */
  register(functions: GatewayFunctions): void;
  /** Ids of the open connections. */
  connectionIds(): string[];
  /**
   * Resolves once no handshake, route integration or invocation is running: e.g. every
   * `$disconnect` of connections just closed has returned, and what it invoked too.
   *
   * @example
   * for (const ws of clients) ws.close();
   * await gateway.settled(); // the table no longer holds them
   */
  settled(): Promise<void>;
  /**
   * Closes every connection with 1001 (firing `$disconnect`), waits for running invocations,
   * then closes the server. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts a local API Gateway WebSocket API that runs Lambda handler functions in this
 * process. One port serves, over plain HTTP and over TLS (a self-signed certificate made at
 * start), WebSocket upgrades at `/{stage}`, the `@connections` management API, the Lambda
 * Invoke API, and optionally static files.
 *
 * @example
 * const gateway = await startGateway({
 *   functions: { connect: async () => ({ statusCode: 200 }), message: async (event) => ({ statusCode: 200, body: event.body }) },
 * });
 * const ws = new WebSocket(`${gateway.url}?ns=/`);
 * // ...
 * await gateway.close();
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const settings = withDefaults(options);
  const { stage, routes, logger } = settings;
  const environment = {
    region: settings.region,
    accountId: settings.accountId,
    memoryMb: settings.memoryMb,
  };
  const runner = new LambdaRunner({
    environment,
    timeoutMs: settings.functionTimeoutMs,
    asyncRetryDelaysMs: settings.asyncRetryDelaysMs,
    logger,
  });
  runner.register(settings.functions ?? {});
  const handshakeOptions = handshakeOptionsOf(settings, runner);
  const disconnectRoute = routeOf(routes, '$disconnect');
  const dispatch = createMessageDispatcher({
    runner,
    selectRoute: createRouteSelector(routes, settings.routeSelectionExpression),
    integrationTimeoutMs: settings.integrationTimeoutMs,
    logger,
  });

  const connections = new Map<string, GatewayConnection>();
  /** Pending upgrades, and integrations running for open or closed connections. */
  const handshakes = new Set<Promise<unknown>>();
  const tasks = new Set<Promise<unknown>>();
  const track = (task: Promise<unknown>, into = tasks): void => {
    into.add(task);
    void task.finally(() => into.delete(task));
  };
  let closing: Promise<void> | undefined;

  const fireDisconnect = (facts: ConnectionFacts, statusCode: number, reason: string): void => {
    logger.info(`${facts.connectionId} disconnected (${statusCode}${reason ? ` ${reason}` : ''})`);
    if (disconnectRoute === undefined) return;
    if (Math.random() < settings.dropDisconnects) {
      logger.info(`${facts.connectionId}: $disconnect dropped (fault injection: dropDisconnects)`);
      return;
    }
    const event = disconnectEvent(facts, newRequest(), statusCode, reason);
    track(
      runIntegration(runner, disconnectRoute.integration, event, settings.integrationTimeoutMs),
    );
  };

  const openConnection = (
    ws: WebSocket,
    rawSocket: Duplex,
    verdict: HandshakeVerdict & { accepted: true },
  ): void => {
    const connection = new GatewayConnection({
      facts: verdict.facts,
      ws,
      rawSocket,
      frameLimitBytes: settings.frameLimitBytes,
      messageLimitBytes: settings.messageLimitBytes,
      idleTimeoutMs: settings.idleTimeoutMs,
      maxDurationMs: settings.maxDurationMs,
      controlFramesAreActivity: settings.controlFramesAreActivity,
      logger,
      onMessage: (target, body) => track(dispatch(target, body)),
      onClose: (target, statusCode, reason) => {
        connections.delete(target.id);
        fireDisconnect(target.facts, statusCode, reason);
      },
    });
    connections.set(connection.id, connection);
    logger.info(`${connection.id} connected`);
  };

  const certificate = await localCertificate(settings.host);
  const plainServer = createServer();
  const secureServer = createSecureServer(certificate);
  const servers = [plainServer, secureServer];
  const server = createDualProtocolServer(plainServer, secureServer);
  let port = settings.port;
  const verdicts = new WeakMap<IncomingMessage, HandshakeVerdict & { accepted: true }>();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: settings.messageLimitBytes,
    handleProtocols: (_offered, req) => verdicts.get(req)?.protocol ?? false,
    verifyClient: (info, done) => {
      const decide = async (): Promise<void> => {
        const { facts, request, headers, query } = connectRequest(info.req, settings, port);
        const verdict = await negotiateConnect(handshakeOptions, facts, request, headers, query);
        if (!verdict.accepted) {
          if (verdict.reason) {
            const line = `connection refused (${verdict.statusCode}): ${verdict.reason}`;
            if (verdict.statusCode >= 500) logger.error(line);
            else logger.info(line);
          }
          done(false, verdict.statusCode, STATUS_CODES[verdict.statusCode]);
        } else if (closing) {
          done(false, 503);
          fireDisconnect(verdict.facts, GOING_AWAY.code, GOING_AWAY.reason);
        } else {
          verdicts.set(info.req, verdict);
          done(true);
          // The client left while $connect ran: the socket never opened.
          if (!connections.has(verdict.facts.connectionId)) fireDisconnect(verdict.facts, 1006, '');
        }
      };
      track(
        decide().catch((error: unknown) => {
          logger.error('handshake failed', error);
          done(false, 500);
        }),
        handshakes,
      );
    },
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const segments = pathSegments(req.url);
    if (closing || segments?.length !== 1 || segments[0] !== stage) {
      rejectUpgrade(socket, closing ? 503 : 403);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const verdict = verdicts.get(req);
      if (verdict) openConnection(ws, socket, verdict);
      else ws.terminate();
    });
  };

  const refuseForeignHost = loopbackHostCheck(settings.host);
  const httpRoutes: HttpRoute[] = [
    createManagementApi({
      stage,
      refuseForeignHost,
      messageLimitBytes: settings.messageLimitBytes,
      checkSignature: createSigV4Check({
        region: settings.region,
        credentials: settings.managementCredentials,
      }),
      injectPostFault: settings.postFaults,
      findOpenConnection: (id) => {
        const connection = connections.get(id);
        return connection?.isOpen ? connection : undefined;
      },
    }),
    createLambdaInvokeApi({ runner, environment, refuseForeignHost }),
    ...(settings.httpRoutes ?? []),
    ...(settings.staticDir === undefined ? [] : [createStaticFiles(settings.staticDir)]),
  ];
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const answer = async (): Promise<void> => {
      for (const route of httpRoutes) if (await route(req, res)) return;
      sendJson(res, 404, { message: 'Not Found' });
    };
    answer().catch((error: unknown) => {
      logger.error(`${req.method} ${req.url} failed`, error);
      if (res.headersSent) res.destroy();
      else sendAwsError(res, 500, 'InternalFailure', 'Internal server error');
    });
  };
  for (const each of servers) {
    each.on('upgrade', onUpgrade);
    each.on('request', onRequest);
  }

  port = await listen(server, settings.port, settings.host);
  const origin = `${displayHost(settings.host)}:${port}`;

  const close = async (): Promise<void> => {
    while (handshakes.size > 0) await Promise.all([...handshakes]);
    const open = [...connections.values()];
    for (const connection of open) connection.close(GOING_AWAY.code, GOING_AWAY.reason);
    await Promise.all(open.map((connection) => connection.closed));
    while (tasks.size > 0) await Promise.all([...tasks]);
    await runner.drain();
    wss.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const each of servers) each.closeAllConnections();
    });
  };

  return {
    url: `ws://${origin}/${stage}`,
    managementUrl: `http://${origin}/${stage}`,
    secureUrl: `wss://${origin}/${stage}`,
    secureManagementUrl: `https://${origin}/${stage}`,
    certificate: certificate.cert,
    lambdaUrl: `http://${origin}`,
    port,
    stage,
    apiId: settings.apiId,
    register: (functions) => runner.register(functions),
    connectionIds: () => [...connections.values()].filter((c) => c.isOpen).map((c) => c.id),
    settled: async () => {
      while (handshakes.size > 0 || tasks.size > 0)
        await Promise.allSettled([...handshakes, ...tasks]);
      await runner.settled();
    },
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}

function handshakeOptionsOf(
  settings: GatewaySettings,
  runner: LambdaRunner,
): ConnectHandshakeOptions {
  const { authorizer } = settings;
  const functionName = authorizer?.functionName ?? 'authorizer';
  if (authorizer?.handler) runner.register({ [functionName]: authorizer.handler });
  return {
    runner,
    connectRoute: routeOf(settings.routes, '$connect'),
    authorizer: authorizer && {
      functionName,
      identitySources: parseIdentitySources(authorizer.identitySource ?? []),
    },
    integrationTimeoutMs: settings.integrationTimeoutMs,
    methodArn: `arn:aws:execute-api:${settings.region}:${settings.accountId}:${settings.apiId}/${settings.stage}/$connect`,
    logger: settings.logger,
  };
}

/** What `negotiateConnect` needs to know of an upgrade request. */
function connectRequest(req: IncomingMessage, settings: GatewaySettings, port: number) {
  const now = Date.now();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const facts: ConnectionFacts = {
    connectionId: newGatewayId(),
    connectedAt: now,
    identity: { sourceIp, userAgent: req.headers['user-agent'] ?? '' },
    domainName: req.headers.host ?? `${displayHost(settings.host)}:${port}`,
    stage: settings.stage,
    apiId: settings.apiId,
  };
  const search = new URL(req.url ?? '/', 'http://localhost').search;
  return {
    facts,
    request: newRequest(now),
    headers: headerParameters(req.rawHeaders, {
      sourceIp,
      port,
      protocol: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
    }),
    query: queryParameters(search),
  };
}

function routeOf(
  routes: readonly RouteDefinition[],
  routeKey: string,
): RouteDefinition | undefined {
  return routes.find((route) => route.routeKey === routeKey);
}

function rejectUpgrade(socket: Duplex, statusCode: number): void {
  socket.on('error', () => socket.destroy());
  const body = JSON.stringify({ message: STATUS_CODES[statusCode] });
  socket.end(
    `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
