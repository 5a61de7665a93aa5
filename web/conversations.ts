import { Conversation, type ConversationTarget, conversationKey } from './conversation';
import { ConversationList } from './conversation-list';

/**
 * The page's conversations: `Everyone` (the namespace: broadcasts, greetings, connection
 * notices) first, then one per joined room and one per DM partner, in the order they were
 * opened. One is shown at a time; the others count what arrives in them as unread until shown.
 *
 * @example
 * const conversations = new Conversations(logsElement, listElement, () => render());
 * const lobby = conversations.open({ kind: 'room', room: 'lobby' });
 * conversations.received(lobby); // unread unless it is shown
 */
export class Conversations {
  private readonly all = new Map<string, Conversation>();
  private currentKey: string;
  private readonly list: ConversationList;
  readonly everyone: Conversation;

  constructor(
    private readonly container: HTMLElement,
    listElement: HTMLElement,
    private readonly onSelect: () => void,
  ) {
    this.list = new ConversationList(listElement, (key) => this.select(key));
    this.everyone = this.open({ kind: 'everyone' });
    this.currentKey = this.everyone.key;
    this.everyone.show(true);
    this.render();
  }

  /** The conversation shown. */
  get current(): Conversation {
    return this.all.get(this.currentKey) ?? this.everyone;
  }

  /** The rooms that have a conversation. */
  get rooms(): string[] {
    return [...this.all.values()].flatMap(({ target }) =>
      target.kind === 'room' ? [target.room] : [],
    );
  }

  find(target: ConversationTarget): Conversation | undefined {
    return this.all.get(conversationKey(target));
  }

  /** The conversation with `target`, created (not shown) when there is none. */
  open(target: ConversationTarget): Conversation {
    const key = conversationKey(target);
    let conversation = this.all.get(key);
    if (!conversation) {
      conversation = new Conversation(target, this.container);
      this.all.set(key, conversation);
      this.render();
    }
    return conversation;
  }

  /** Shows the conversation of `key` and marks it read. */
  select(key: string): void {
    const next = this.all.get(key);
    if (!next) return;
    const changed = key !== this.currentKey;
    this.current.show(false);
    this.currentKey = key;
    next.unread = 0;
    next.show(true);
    this.render();
    if (changed) this.onSelect();
  }

  /** A message arrived in `conversation`: unread unless it is the one shown. */
  received(conversation: Conversation): void {
    if (conversation.key === this.currentKey) return;
    conversation.unread++;
    this.render();
  }

  /** Closes a conversation; when it was shown, the last one opened before it is shown. */
  close(conversation: Conversation): void {
    if (conversation === this.everyone || this.all.get(conversation.key) !== conversation) return;
    this.all.delete(conversation.key);
    conversation.remove();
    if (conversation.key === this.currentKey) {
      this.currentKey = '';
      this.select([...this.all.keys()].at(-1) ?? this.everyone.key);
    } else {
      this.render();
    }
  }

  /** Closes every room and DM conversation (a new session starts). */
  closeAll(): void {
    for (const conversation of [...this.all.values()]) this.close(conversation);
  }

  /** Redraws the list. */
  render(): void {
    this.list.show(this.all.values(), this.currentKey);
  }
}
