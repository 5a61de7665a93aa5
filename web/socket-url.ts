import { PAGE_CONFIG_FILE, type PageConfig } from '../definitions/page-config';

/** The parts of `window.location` the page reads. */
export type PageLocation = Pick<Location, 'protocol' | 'host' | 'search'>;

/** Fetches a URL relative to the page; a narrow `fetch`. */
export type FetchPageFile = (url: string) => Promise<Pick<Response, 'ok' | 'json'>>;

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
 * Never rejects: a missing or invalid `config.json` is ignored.
 *
 * @example
 * const url = await resolveSocketUrl(window.location, (file) => fetch(file));
 */
export async function resolveSocketUrl(
  location: PageLocation,
  fetchFile: FetchPageFile,
): Promise<string> {
  if (new URLSearchParams(location.search).get('ws')) return socketUrl(location);
  return (await readPageConfig(fetchFile))?.webSocketUrl ?? socketUrl(location);
}

/** `PAGE_CONFIG_FILE`, or undefined when it cannot be fetched or is not a `PageConfig`. */
async function readPageConfig(fetchFile: FetchPageFile): Promise<PageConfig | undefined> {
  try {
    const response = await fetchFile(PAGE_CONFIG_FILE);
    if (!response.ok) return undefined;
    const body: unknown = await response.json();
    return isPageConfig(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

function isPageConfig(value: unknown): value is PageConfig {
  if (typeof value !== 'object' || value === null || !('webSocketUrl' in value)) return false;
  return typeof value.webSocketUrl === 'string' && value.webSocketUrl !== '';
}
