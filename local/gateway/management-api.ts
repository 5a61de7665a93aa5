import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendAwsError, sendEmpty, sendJson } from './http-io';
import { type HttpRoute, pathSegments } from './http-route';
import { isGatewayId } from './ids';
import { POST_FAULTS, type PostFaultInjector } from './post-faults';
import type { SigV4Check } from './sigv4-check';

/** What the management API needs of a connection. */
export interface ManagedConnection {
  readonly facts: {
    readonly connectedAt: number;
    readonly identity: { readonly sourceIp: string; readonly userAgent: string };
  };
  readonly lastActiveAt: number;
  send(data: Buffer): boolean;
  close(code: number, reason: string): void;
}

export interface ManagementApiOptions {
  readonly stage: string;
  /** The open connection with this id, or `undefined` (connecting, closing, closed or unknown). */
  readonly findOpenConnection: (connectionId: string) => ManagedConnection | undefined;
  /** Largest POST body: 128 KB on API Gateway. */
  readonly messageLimitBytes: number;
  /** IAM authorization: a request it refuses is answered 403 with its error. */
  readonly checkSignature: SigV4Check;
  /** Answers 403 (and true) to a request whose `Host` is not this machine (`loopbackHostCheck`). */
  readonly refuseForeignHost: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Fault injection: answers a POST with the error it returns instead of sending. */
  readonly injectPostFault?: PostFaultInjector;
}

/** DeleteConnection closes the socket as API Gateway does (seen in `$disconnect` events). */
export const DELETE_CLOSE = { code: 1000, reason: 'Connection Closed Normally' } as const;
const CONNECTIONS_SEGMENT = '@connections';

/**
 * The `@connections` API at `/{stage}/@connections/{id}`: POST sends the raw body as one text
 * message (200), GET describes the connection (200), DELETE closes it (204). Every call must
 * be SigV4-signed (`checkSignature`), else 403 (`MissingAuthenticationTokenException`,
 * `InvalidSignatureException`, ...); the stage-less `/@connections/{id}` is 403
 * `ForbiddenException`, as on AWS; a request whose `Host` is not this machine is 403 too
 * (DNS-rebinding defence: `loopbackHostCheck`). Errors carry `x-amzn-ErrorType`, so the SDK names them:
 * 410 `GoneException`, 400 `BadRequestException`, 413 `PayloadTooLargeException`.
 * `injectPostFault` can answer a POST with 429 `LimitExceededException`, 500, 503 or 410
 * instead, as a real stage may.
 *
 * @example
 * const route = createManagementApi({ stage: 'local', findOpenConnection: (id) => connections.get(id), messageLimitBytes: 128 * 1024, checkSignature });
 */
export function createManagementApi(options: ManagementApiOptions): HttpRoute {
  return async (req, res) => {
    const target = targetOf(pathSegments(req.url), options.stage);
    if (target === undefined) return false;
    if (options.refuseForeignHost(req, res)) return true;
    const body = await readBody(req, options.messageLimitBytes);
    if (target.stageless) {
      sendAwsError(res, 403, 'ForbiddenException', 'Forbidden');
      return true;
    }
    if (body === undefined) {
      sendAwsError(res, 413, 'PayloadTooLargeException', 'Request entity too large');
      return true;
    }
    const refusal = options.checkSignature(req, body);
    if (refusal !== undefined) {
      sendAwsError(res, 403, refusal.errorType, refusal.message);
      return true;
    }
    const { connectionId } = target;
    if (!isGatewayId(connectionId)) {
      sendAwsError(res, 400, 'BadRequestException', `Invalid connectionId: ${connectionId}`);
      return true;
    }
    const fault = req.method === 'POST' ? options.injectPostFault?.(connectionId) : undefined;
    if (fault !== undefined) {
      sendAwsError(res, fault, POST_FAULTS[fault].errorType, POST_FAULTS[fault].message);
      return true;
    }
    const connection = options.findOpenConnection(connectionId);
    if (connection === undefined) {
      sendAwsError(res, 410, 'GoneException', 'Gone');
      return true;
    }
    if (req.method === 'POST') {
      if (connection.send(body)) sendEmpty(res, 200);
      else sendAwsError(res, 410, 'GoneException', 'Gone');
    } else if (req.method === 'GET') {
      sendJson(res, 200, {
        connectedAt: new Date(connection.facts.connectedAt).toISOString(),
        identity: connection.facts.identity,
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
      });
    } else if (req.method === 'DELETE') {
      connection.close(DELETE_CLOSE.code, DELETE_CLOSE.reason);
      sendEmpty(res, 204);
    } else {
      sendAwsError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    return true;
  };
}

/**
 * The decoded id of `/{stage}/@connections/{id}`, or of the stage-less `/@connections/{id}`
 * (which AWS refuses); ids may contain `/`.
 */
function targetOf(
  segments: string[] | undefined,
  stage: string,
): { readonly connectionId: string; readonly stageless: boolean } | undefined {
  if (segments === undefined) return undefined;
  const start =
    segments[0] === stage && segments[1] === CONNECTIONS_SEGMENT
      ? 2
      : segments[0] === CONNECTIONS_SEGMENT
        ? 1
        : -1;
  if (start < 0 || segments.length <= start) return undefined;
  return { connectionId: segments.slice(start).join('/'), stageless: start === 1 };
}
