import {
  type ChatNamespaceClientEvents,
  type ChatNamespaceServerEvents,
  type ChatSocket,
  connect,
  type NotificationServerEvents,
  type RootClientEvents,
  type RootServerEvents,
} from '../client/index';

/** Server events of every namespace the page can join. */
export type PageServerEvents = RootServerEvents &
  ChatNamespaceServerEvents &
  NotificationServerEvents;

/** Client events of every namespace the page can join. */
export type PageClientEvents = RootClientEvents & ChatNamespaceClientEvents;

/** The page's socket, typed for all the chat app's namespaces (each profile uses its own events). */
export type PageSocket = ChatSocket<PageServerEvents, PageClientEvents>;

/**
 * Opens the page's socket to `namespace` of the chat at `url`, with `?token=` when given one;
 * it reconnects on its own.
 *
 * @example
 * const socket = openPageSocket('ws://localhost:3001/local', '/', token);
 */
export function openPageSocket(url: string, namespace: string, token?: string): PageSocket {
  return connect<PageServerEvents, PageClientEvents>(url, {
    namespace,
    ...(token === undefined ? {} : { auth: { token } }),
  });
}

/** Finds a token for a display name; `undefined` connects without one. */
export type TokenSource = (name: string) => Promise<string | undefined>;

/**
 * The page's tokens: `?token=<JWT>` in the page's URL when present, else the local runtime's
 * `GET /dev-token?user=<id>&name=<name>` (served by `npm start` in secret mode only), else none
 * (anonymous mode; a deployed page needs `?token=`).
 *
 * @example
 * const tokenFor = pageTokenSource(window.location.search, (url) => fetch(url));
 */
export function pageTokenSource(
  search: string,
  fetchUrl: (url: string) => Promise<Pick<Response, 'ok' | 'json'>>,
): TokenSource {
  const given = new URLSearchParams(search).get('token');
  return async (name) => {
    if (given) return given;
    const user = name.replace(/[^A-Za-z0-9_.@-]/g, '').slice(0, 64) || 'guest';
    try {
      const response = await fetchUrl(
        `/dev-token?user=${encodeURIComponent(user)}&name=${encodeURIComponent(name)}`,
      );
      if (!response.ok) return undefined;
      const body = (await response.json()) as { token?: unknown };
      return typeof body.token === 'string' ? body.token : undefined;
    } catch {
      return undefined;
    }
  };
}
