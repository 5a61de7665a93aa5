import type { UserInfo } from '../client/index';
import { MessageLog } from './message-log';

/** Who a conversation is with: everyone in the namespace, a room, or one user (DM). */
export type ConversationTarget =
  | { readonly kind: 'everyone' }
  | { readonly kind: 'room'; readonly room: string }
  | { readonly kind: 'dm'; readonly user: UserInfo };

/**
 * The key of a conversation: `everyone`, `room:<name>` or `dm:<user id>`.
 *
 * @example
 * conversationKey({ kind: 'room', room: 'lobby' }); // 'room:lobby'
 */
export function conversationKey(target: ConversationTarget): string {
  switch (target.kind) {
    case 'everyone':
      return 'everyone';
    case 'room':
      return `room:${target.room}`;
    case 'dm':
      return `dm:${target.user.id}`;
  }
}

/**
 * How a conversation is named in the list and as the log's accessible name.
 *
 * @example
 * conversationTitle({ kind: 'dm', user: { id: 'bob', name: 'Bob' } }); // '@Bob'
 */
export function conversationTitle(target: ConversationTarget): string {
  switch (target.kind) {
    case 'everyone':
      return 'Everyone';
    case 'room':
      return `#${target.room}`;
    case 'dm':
      return `@${target.user.name}`;
  }
}

/**
 * One conversation of the page: its own log (an `<ol role="log">` named after it, hidden while
 * another conversation is shown) and its count of messages not yet seen.
 *
 * @example
 * const lobby = new Conversation({ kind: 'room', room: 'lobby' }, container);
 * lobby.log.append({ kind: 'chat', name: 'Bob', text: 'hi' });
 */
export class Conversation {
  readonly key: string;
  readonly log: MessageLog;
  /** Messages received while another conversation was shown. */
  unread = 0;

  constructor(
    public target: ConversationTarget,
    container: HTMLElement,
  ) {
    this.key = conversationKey(target);
    const list = container.ownerDocument.createElement('ol');
    list.className = 'log';
    list.setAttribute('role', 'log');
    list.dataset.conversation = this.key;
    list.hidden = true;
    container.append(list);
    this.log = new MessageLog(list);
    this.retitle(target);
  }

  get title(): string {
    return conversationTitle(this.target);
  }

  /** Renames it (a DM partner's name became known). */
  retitle(target: ConversationTarget): void {
    this.target = target;
    this.log.list.setAttribute('aria-label', this.title);
  }

  show(shown: boolean): void {
    this.log.list.hidden = !shown;
    if (shown) this.log.list.scrollTop = this.log.list.scrollHeight;
  }

  remove(): void {
    this.log.list.remove();
  }
}
