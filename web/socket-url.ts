import type { PageConfig } from '../definitions/page-config';

/** The parts of `window.location` the page reads. */
export type PageLocation = Pick<Location, 'protocol' | 'host' | 'search'>;

/**
 * The WebSocket URL of the chat: `?ws=<url>` when the page was given one, else the gateway
 * that served the page, `ws(s)://<host>/<stage>` with `?stage=<stage>` (default `local`).
 *
 * @example
 * socketUrl({ protocol: 'http:', host: 'localhost:3001', search: '' }); // 'ws://localhost:3001/local'
 */
export function socketUrl(location: PageLocation): string {
  const params = new URLSearchParams(location.search);
  const explicit = params.get('ws');
  if (explicit) return explicit;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const stage = params.get('stage') || 'local';
  return `${scheme}://${location.host}/${encodeURIComponent(stage)}`;
}

/**
 * Like `socketUrl`, but a deployed page's `config.json` comes before the page's own host:
 * `?ws=` first, then `config.json`'s `webSocketUrl`, then `ws(s)://<host>/<stage>`.
 *
 * @example
 * const url = resolveSocketUrl(window.location, await readPageConfig(fetchFile));
 */
export function resolveSocketUrl(location: PageLocation, config: PageConfig | undefined): string {
  if (new URLSearchParams(location.search).get('ws')) return socketUrl(location);
  return config?.webSocketUrl ?? socketUrl(location);
}
