/** What the page shows about its socket. */
export type ConnectionState =
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected'; readonly name: string; readonly id: string | undefined }
  | { readonly kind: 'reconnecting'; readonly attempt: number };

/**
 * The status text of a state: the user's name, never a connection id.
 *
 * @example
 * describeState({ kind: 'connected', name: 'Ann', id: 'Abc=' }); // 'connected as Ann'
 * describeState({ kind: 'reconnecting', attempt: 2 }); // 'reconnecting (attempt 2)'
 */
export function describeState(state: ConnectionState): string {
  switch (state.kind) {
    case 'connected':
      return `connected as ${state.name}`;
    case 'reconnecting':
      return `reconnecting (attempt ${state.attempt})`;
    default:
      return state.kind;
  }
}

/**
 * Shows the state in the `role="status"` element; `data-state` carries the kind for styling,
 * and the title (on hover) the connection id when connected.
 *
 * @example
 * new ConnectionStatus(element).show({ kind: 'connected', name: 'Ann', id: 'Abc=' }); // "connected as Ann", title "connection Abc="
 */
export class ConnectionStatus {
  constructor(private readonly element: HTMLElement) {}

  show(state: ConnectionState): void {
    this.element.textContent = describeState(state);
    this.element.dataset.state = state.kind;
    if (state.kind === 'connected' && state.id !== undefined) {
      this.element.title = `connection ${state.id}`;
    } else {
      this.element.removeAttribute('title');
    }
  }
}
