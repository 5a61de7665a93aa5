import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendAwsError } from './http-io';

/** Host names of this machine. */
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A `Host` header: a name, an IPv4 address or a bracketed IPv6 address, and an optional port. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

/** The host name of a `Host` header (port dropped, lower case), or `undefined` when it is not one. */
function hostnameOf(host: string | undefined): string | undefined {
  const match = HOST_HEADER.exec(host ?? '');
  return match?.[1]?.toLowerCase();
}

/**
 * Refuses requests whose `Host` is not this machine, the DNS-rebinding defence of the local
 * runtime's powerful routes (`@connections`, the Lambda invoke API, the OIDC issuer): a web
 * page whose name an attacker re-points at 127.0.0.1 reaches the port, but its requests
 * carry the attacker's host name. Accepted: `localhost`, `127.0.0.1`, `[::1]`, any port, and
 * the address the gateway listens on when it is another one.
 *
 * @example
 * const refuseForeignHost = loopbackHostCheck('127.0.0.1');
 * if (refuseForeignHost(req, res)) return true; // answered 403
 */
export function loopbackHostCheck(
  listenHost = '127.0.0.1',
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const listening = hostnameOf(listenHost.includes(':') ? `[${listenHost}]` : listenHost);
  const allowed = new Set(LOOPBACK_HOSTNAMES);
  if (listening !== undefined && listening !== '0.0.0.0' && listening !== '[::]') {
    allowed.add(listening);
  }
  return (req, res) => {
    const hostname = hostnameOf(req.headers.host);
    if (hostname !== undefined && allowed.has(hostname)) return false;
    sendAwsError(
      res,
      403,
      'ForbiddenException',
      `Host ${JSON.stringify(req.headers.host ?? '')} is not this machine: the local runtime answers localhost, 127.0.0.1 and [::1] only`,
    );
    return true;
  };
}
