import { Server, type ServerOptions } from '../core/server';
import { registerChatNamespace } from './chat-namespace';
import { registerNotificationNamespace } from './notification-namespace';
import type { PrivateRooms } from './private-rooms';
import { registerRootNamespace } from './root-namespace';

/** Settings of the chat application itself. */
export interface ChatAppOptions {
  /** Allow-lists of the private rooms of namespace `/` (`private:` rooms not listed are closed). */
  readonly privateRooms?: PrivateRooms;
}

/**
 * The chat application the stack deploys: namespaces `/`, `/chat` and `/notification` on
 * a core `Server`.
 *
 * @example
 * const server = createChatApp({ store: new InMemoryMembershipStore(), delivery, deferredDelivery });
 */
export function createChatApp(options: ServerOptions, app: ChatAppOptions = {}): Server {
  const server = new Server(options);
  registerRootNamespace(server, app.privateRooms ?? {});
  registerChatNamespace(server);
  registerNotificationNamespace(server);
  return server;
}
