import { PAGE_CONFIG_FILE, type PageConfig } from '../definitions/page-config';
import type { HttpRoute } from './gateway';
import { pathSegments } from './gateway/http-route';

/**
 * `GET /config.json`: the page's `PageConfig` (where to sign in), as the deployed stack writes
 * it next to the page. `config()` is read on every request.
 *
 * @example
 * const route = createPageConfigRoute(() => ({ signIn: issuer.pageConfig }));
 */
export function createPageConfigRoute(config: () => PageConfig): HttpRoute {
  return async (req, res) => {
    const segments = pathSegments(req.url);
    if (segments?.length !== 1 || segments[0] !== PAGE_CONFIG_FILE) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const text = JSON.stringify(config());
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : text);
    return true;
  };
}
