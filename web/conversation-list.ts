import type { Conversation } from './conversation';

/**
 * The page's conversations as toggle buttons (the pressed one is shown), each with a badge
 * counting its unread messages; the button's accessible name says it too: `#lobby (3 unread)`.
 *
 * @example
 * const list = new ConversationList(ul, (key) => select(key));
 * list.show([everyone, lobby], 'room:lobby');
 */
export class ConversationList {
  constructor(
    private readonly list: HTMLElement,
    private readonly onSelect: (key: string) => void,
  ) {}

  show(conversations: Iterable<Conversation>, currentKey: string): void {
    const doc = this.list.ownerDocument;
    this.list.replaceChildren(
      ...[...conversations].map((conversation) => {
        const item = doc.createElement('li');
        const button = doc.createElement('button');
        button.type = 'button';
        button.className = `chip ${conversation.target.kind}`;
        button.dataset.conversation = conversation.key;
        const title = doc.createElement('span');
        title.textContent = conversation.title;
        button.append(title);
        if (conversation.target.kind === 'dm') button.title = `user ${conversation.target.user.id}`;
        if (conversation.unread > 0) {
          const badge = doc.createElement('span');
          badge.className = 'unread';
          badge.textContent = String(conversation.unread);
          button.append(badge);
          button.setAttribute(
            'aria-label',
            `${conversation.title} (${conversation.unread} unread)`,
          );
        }
        button.setAttribute('aria-pressed', String(conversation.key === currentKey));
        button.addEventListener('click', () => this.onSelect(conversation.key));
        item.append(button);
        return item;
      }),
    );
  }
}
