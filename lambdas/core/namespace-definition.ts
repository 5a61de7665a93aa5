import type { HistorySettings } from './history-settings';
import type {
  AnyListener,
  ConnectionListener,
  DisconnectListener,
  EventHandler,
  JoinPolicy,
  Middleware,
} from './namespace';
import type { RoomFilter } from './room-filter';

/**
 * What a namespace is made of: its middleware, hooks, handlers, join policies and room
 * settings. A namespace owns one; the children of a dynamic namespace
 * (`server.of(/^\/team-\d+$/)`) share their parent's, so whatever is registered on the parent,
 * before or after a child exists, applies to every child.
 *
 * @example
 * const child = new Namespace('/team-1', adapter, services, parent.definitionForChildren);
 */
export class NamespaceDefinition {
  readonly middlewares: Middleware[] = [];
  readonly connectionListeners: ConnectionListener[] = [];
  readonly disconnectingListeners: DisconnectListener[] = [];
  readonly disconnectListeners: DisconnectListener[] = [];
  readonly handlers = new Map<string, EventHandler>();
  readonly anyListeners: AnyListener[] = [];
  readonly anyOutgoingListeners: AnyListener[] = [];
  readonly joinPolicies: JoinPolicy[] = [];
  history: HistorySettings | undefined;
  presence: RoomFilter | undefined;
}
