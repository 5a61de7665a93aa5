import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One part of the gateway's HTTP server: answers the request and resolves true, or resolves
 * false when the path is not its.
 *
 * @example
 * for (const route of routes) if (await route(req, res)) return;
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * The path of a request split at `/`, each segment URL-decoded (so `%40connections` is
 * `@connections` and `%3D` is `=`); `undefined` when a segment is not valid percent-encoding.
 *
 * @example
 * pathSegments('/local/%40connections/abc%3D?x=1'); // ['local', '@connections', 'abc=']
 */
export function pathSegments(url: string | undefined): string[] | undefined {
  const pathname = (url ?? '/').split('?')[0] as string;
  try {
    return pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}
