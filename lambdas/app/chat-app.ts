import { Server, type ServerOptions } from '../core/server';
import { registerChatNamespace } from './chat-namespace';
import { registerNotificationNamespace } from './notification-namespace';
import { registerRootNamespace } from './root-namespace';

/**
 * The chat application the stack deploys: namespaces `/`, `/chat` and `/notification` on
 * a core `Server`.
 *
 * @example
 * const server = createChatApp({ store: new InMemoryMembershipStore(), delivery, deferredDelivery });
 */
export function createChatApp(options: ServerOptions): Server {
  const server = new Server(options);
  registerRootNamespace(server);
  registerChatNamespace(server);
  registerNotificationNamespace(server);
  return server;
}
