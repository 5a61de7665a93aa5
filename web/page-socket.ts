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

/** The current token for `$connect` (refreshed behind it), or `undefined` to connect without one. */
export type TokenSource = () => string | undefined;

/**
 * Opens the page's socket to `namespace` of the chat at `url`, offering `token()`'s token as
 * the subprotocol `token.<jwt>` (never in the URL) when it gives one; it reconnects on its
 * own, asking `token()` again before every attempt.
 *
 * @example
 * const socket = openPageSocket('ws://localhost:3001/local', '/', () => session.token());
 */
export function openPageSocket(url: string, namespace: string, token: TokenSource): PageSocket {
  return connect<PageServerEvents, PageClientEvents>(url, {
    namespace,
    auth: (): Record<string, string> => {
      const current = token();
      return current === undefined ? {} : { token: current };
    },
  });
}
