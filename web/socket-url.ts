import type { PageConfig } from '../definitions/page-config';

/** The parts of `window.location` the page reads. */
export type PageLocation = Pick<Location, 'protocol' | 'host' | 'hostname' | 'search'>;

/** Host names of this machine: a page served from one of them is a developer's page. */
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether the page was served from this machine (`localhost`, `127.0.0.1`, `[::1]`).
 *
 * @example
 * servedFromLoopback({ hostname: 'd111.cloudfront.net' }); // false
 */
export function servedFromLoopback(location: Pick<Location, 'hostname'>): boolean {
  return LOOPBACK_HOSTNAMES.has(location.hostname.toLowerCase());
}

/**
 * `?ws=<url>` of a page served from this machine; a deployed page ignores it, so that no
 * link can point the real page (and the token it sends) at another socket.
 */
function explicitSocketUrl(location: PageLocation): string | undefined {
  if (!servedFromLoopback(location)) return undefined;
  return new URLSearchParams(location.search).get('ws') || undefined;
}

/**
 * The WebSocket URL of the chat: `?ws=<url>` when a page served from localhost was given
 * one, else the gateway that served the page, `ws(s)://<host>/<stage>` with `?stage=<stage>`
 * (default `local`).
 *
 * @example
 * socketUrl({ protocol: 'http:', host: 'localhost:3001', hostname: 'localhost', search: '' }); // 'ws://localhost:3001/local'
 */
export function socketUrl(location: PageLocation): string {
  const explicit = explicitSocketUrl(location);
  if (explicit) return explicit;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const stage = new URLSearchParams(location.search).get('stage') || 'local';
  return `${scheme}://${location.host}/${encodeURIComponent(stage)}`;
}

/**
 * Like `socketUrl`, but a deployed page's `config.json` comes before the page's own host:
 * `?ws=` first (served from localhost only), then `config.json`'s `webSocketUrl`, then
 * `ws(s)://<host>/<stage>`.
 *
 * @example
 * const url = resolveSocketUrl(window.location, await readPageConfig(fetchFile));
 */
export function resolveSocketUrl(location: PageLocation, config: PageConfig | undefined): string {
  return explicitSocketUrl(location) ?? config?.webSocketUrl ?? socketUrl(location);
}
