/** A member of the current room, as the list shows it. */
export interface Member {
  readonly id: string;
  /** The display name last seen in one of its messages, if any. */
  readonly name?: string;
  /** This page's own connection. */
  readonly self: boolean;
}

/**
 * The members of the current room: name (when known) and connection id, with a button that
 * sends the message box's text to that member directly.
 *
 * @example
 * const members = new MemberList(ul, (id) => sendDirect(id));
 * members.show([{ id: 'Abc=', name: 'Bob', self: false }]);
 */
export class MemberList {
  constructor(
    private readonly list: HTMLElement,
    private readonly onDirect: (member: Member) => void,
  ) {}

  /** Replaces the list; `directEnabled` false hides the DM buttons (namespaces without `direct`). */
  show(members: readonly Member[], directEnabled: boolean): void {
    const doc = this.list.ownerDocument;
    this.list.replaceChildren(
      ...members.map((member) => {
        const item = doc.createElement('li');
        item.className = member.self ? 'member self' : 'member';
        const who = doc.createElement('span');
        who.className = 'who';
        const name = doc.createElement('span');
        name.className = 'member-name';
        name.textContent = member.self ? `${member.name ?? 'me'} (you)` : (member.name ?? '?');
        const id = doc.createElement('code');
        id.textContent = member.id;
        who.append(name, id);
        item.append(who);
        if (directEnabled && !member.self) {
          const button = doc.createElement('button');
          button.type = 'button';
          button.className = 'small';
          button.textContent = 'DM';
          button.setAttribute('aria-label', `Direct message to ${member.name ?? member.id}`);
          button.addEventListener('click', () => this.onDirect(member));
          item.append(button);
        }
        return item;
      }),
    );
  }
}
