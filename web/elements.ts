/** The elements of index.html the page drives. */
export interface PageElements {
  readonly status: HTMLElement;
  readonly sessionForm: HTMLFormElement;
  readonly name: HTMLInputElement;
  readonly namespace: HTMLSelectElement;
  readonly connect: HTMLButtonElement;
  readonly disconnect: HTMLButtonElement;
  readonly conversations: HTMLUListElement;
  readonly roomForm: HTMLFormElement;
  readonly room: HTMLInputElement;
  readonly roomSuggestions: HTMLDataListElement;
  readonly join: HTMLButtonElement;
  readonly leave: HTMLButtonElement;
  readonly conversationTitle: HTMLElement;
  readonly target: HTMLElement;
  /** Holds one `<ol role="log">` per conversation. */
  readonly logs: HTMLElement;
  readonly messageForm: HTMLFormElement;
  readonly message: HTMLInputElement;
  readonly send: HTMLButtonElement;
  readonly membersRoom: HTMLElement;
  readonly refreshMembers: HTMLButtonElement;
  readonly members: HTMLUListElement;
}

/**
 * Finds the page's elements by id, checking their types; throws when index.html and the code
 * disagree.
 *
 * @example
 * const ui = findElements(document);
 * ui.status.textContent; // 'disconnected'
 */
export function findElements(doc: Document): PageElements {
  const byId = <T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T => {
    const element = doc.getElementById(id);
    if (!(element instanceof type)) throw new Error(`index.html has no ${type.name} #${id}`);
    return element;
  };
  return {
    status: byId('status', HTMLElement),
    sessionForm: byId('session-form', HTMLFormElement),
    name: byId('name', HTMLInputElement),
    namespace: byId('namespace', HTMLSelectElement),
    connect: byId('connect', HTMLButtonElement),
    disconnect: byId('disconnect', HTMLButtonElement),
    conversations: byId('conversations', HTMLUListElement),
    roomForm: byId('room-form', HTMLFormElement),
    room: byId('room', HTMLInputElement),
    roomSuggestions: byId('room-suggestions', HTMLDataListElement),
    join: byId('join', HTMLButtonElement),
    leave: byId('leave', HTMLButtonElement),
    conversationTitle: byId('conversation-title', HTMLElement),
    target: byId('target', HTMLElement),
    logs: byId('logs', HTMLElement),
    messageForm: byId('message-form', HTMLFormElement),
    message: byId('message', HTMLInputElement),
    send: byId('send', HTMLButtonElement),
    membersRoom: byId('members-room', HTMLElement),
    refreshMembers: byId('refresh-members', HTMLButtonElement),
    members: byId('members', HTMLUListElement),
  };
}
