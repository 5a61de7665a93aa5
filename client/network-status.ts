/**
 * Where the client hears that the device lost or regained its network: the browser's
 * `window` (`offline` and `online` events). Node has none; inject one in tests.
 */
export interface NetworkEvents {
  addEventListener(type: 'offline' | 'online', listener: () => void): void;
  removeEventListener(type: 'offline' | 'online', listener: () => void): void;
}

/** The platform's network events: `globalThis` in a browser, none in Node. */
export function platformNetworkEvents(): NetworkEvents | undefined {
  const global = globalThis as Partial<NetworkEvents> & { navigator?: { onLine?: unknown } };
  const hasEvents =
    typeof global.addEventListener === 'function' &&
    typeof global.removeEventListener === 'function' &&
    typeof global.navigator?.onLine === 'boolean';
  return hasEvents ? (global as NetworkEvents) : undefined;
}

/**
 * Follows the device's network while a connection is wanted, as socket.io-client does: a
 * browser that goes offline may never see its WebSocket close (no close frame, no TCP reset
 * reaches it), so `offline` gives the socket up at once and `online` retries without waiting
 * for the backoff.
 *
 * @example
 * const status = new NetworkStatus(window, { offline: () => manager.abandon('network connection lost'), online: () => manager.connect() });
 * status.watch(); // until status.unwatch()
 */
export class NetworkStatus {
  private watching = false;
  private readonly offline = (): void => this.handlers.offline();
  private readonly online = (): void => this.handlers.online();

  constructor(
    private readonly events: NetworkEvents | undefined,
    private readonly handlers: { readonly offline: () => void; readonly online: () => void },
  ) {}

  watch(): void {
    if (this.watching || !this.events) return;
    this.watching = true;
    this.events.addEventListener('offline', this.offline);
    this.events.addEventListener('online', this.online);
  }

  unwatch(): void {
    if (!this.watching || !this.events) return;
    this.watching = false;
    this.events.removeEventListener('offline', this.offline);
    this.events.removeEventListener('online', this.online);
  }
}
