import type { RoomUser } from './room-users';

/** A user of the current room, as the list shows it. */
export interface Member extends RoomUser {
  /** This page's own user. */
  readonly self: boolean;
  /** The connection a direct message goes to (the one the user last spoke from), if known. */
  readonly directTo?: string;
}

/**
 * The users of the current room, each once: name (its id on hover), the number of connections
 * when it has several (tabs), and a DM button that opens the direct conversation with the user.
 *
 * @example
 * const members = new MemberList(ul, (member) => openDirect(member));
 * members.show([{ id: 'bob', name: 'Bob', connections: 2, self: false, directTo: 'Abc=' }], true);
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
        item.dataset.user = member.id;
        item.dataset.connections = String(member.connections);
        const who = doc.createElement('span');
        who.className = 'who';
        const name = doc.createElement('span');
        name.className = 'member-name';
        name.textContent = member.self ? `${member.name} (you)` : member.name;
        name.title = `user ${member.id}`;
        who.append(name);
        if (member.connections > 1) {
          const count = doc.createElement('span');
          count.className = 'connections';
          count.textContent = `${member.connections} connections`;
          who.append(count);
        }
        item.append(who);
        if (directEnabled && !member.self && member.directTo !== undefined) {
          const button = doc.createElement('button');
          button.type = 'button';
          button.className = 'small';
          button.textContent = 'DM';
          button.setAttribute('aria-label', `Direct message to ${member.name}`);
          button.addEventListener('click', () => this.onDirect(member));
          item.append(button);
        }
        return item;
      }),
    );
  }
}
