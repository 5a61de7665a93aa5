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
 * Opens the page's socket to `namespace` of the chat at `url`; it reconnects on its own.
 *
 * @example
 * const socket = openPageSocket('ws://localhost:3001/local', '/');
 */
export function openPageSocket(url: string, namespace: string): PageSocket {
  return connect<PageServerEvents, PageClientEvents>(url, { namespace });
}
