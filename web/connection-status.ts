/** What the page shows about its socket. */
export type ConnectionState =
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected'; readonly id: string | undefined }
  | { readonly kind: 'reconnecting'; readonly attempt: number };

/**
 * The status text of a state.
 *
 * @example
 * describeState({ kind: 'reconnecting', attempt: 2 }); // 'reconnecting (attempt 2)'
 */
export function describeState(state: ConnectionState): string {
  switch (state.kind) {
    case 'connected':
      return state.id === undefined ? 'connected' : `connected as ${state.id}`;
    case 'reconnecting':
      return `reconnecting (attempt ${state.attempt})`;
    default:
      return state.kind;
  }
}

/**
 * Shows the state in the `role="status"` element; `data-state` carries the kind for styling.
 *
 * @example
 * new ConnectionStatus(element).show({ kind: 'connected', id: 'Abc=' }); // "connected as Abc="
 */
export class ConnectionStatus {
  constructor(private readonly element: HTMLElement) {}

  show(state: ConnectionState): void {
    this.element.textContent = describeState(state);
    this.element.dataset.state = state.kind;
  }
}
