import type { HistoryOptions } from '../core/history-settings';
import type { MessageLog, PresenceStore } from '../core/ports';
import { Server, type ServerOptions } from '../core/server';
import { registerChatNamespace } from './chat-namespace';
import { registerNotificationNamespace } from './notification-namespace';
import type { PrivateRooms } from './private-rooms';
import { registerRootNamespace } from './root-namespace';

/** Settings of the chat application itself. */
export interface ChatAppOptions {
  /** Allow-lists of the private rooms of namespace `/` (`private:` rooms not listed are closed). */
  readonly privateRooms?: PrivateRooms;
  /** Retention of the durable rooms of `/` and `/chat` (default a day, 1,000 messages per room). */
  readonly history?: Pick<HistoryOptions, 'retentionSeconds' | 'maxLength'>;
  /** `/notification` greets the whole namespace at most once per this many seconds (default 60). */
  readonly greetingIntervalSeconds?: number;
}

/** What the chat app needs of the server: its rooms keep history and track presence. */
export type ChatAppServerOptions = ServerOptions & {
  readonly messageLog: MessageLog;
  readonly presence: PresenceStore;
};

/**
 * The chat application the stack deploys: namespaces `/`, `/chat` and `/notification` on
 * a core `Server`. The rooms of `/` and `/chat` are durable and presence-tracked.
 *
 * @example
 * const server = createChatApp({ store, poster, afterConnectDispatcher, messageLog: new InMemoryMessageLog(), presence: new InMemoryPresenceStore() });
 */
export function createChatApp(options: ChatAppServerOptions, app: ChatAppOptions = {}): Server {
  const server = new Server(options);
  registerRootNamespace(server, app.privateRooms ?? {}, app.history ?? {});
  registerChatNamespace(server, app.history ?? {});
  registerNotificationNamespace(server, app.greetingIntervalSeconds);
  return server;
}
