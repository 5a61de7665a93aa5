/**
 * The rooms this page has joined, as toggle buttons: the pressed one is the current room,
 * where Send posts and whose members are listed.
 *
 * @example
 * const rooms = new RoomList(ul, (room) => select(room));
 * rooms.show(['lobby', 'dev'], 'lobby');
 */
export class RoomList {
  constructor(
    private readonly list: HTMLElement,
    private readonly onSelect: (room: string) => void,
  ) {}

  show(rooms: Iterable<string>, current: string | undefined): void {
    const doc = this.list.ownerDocument;
    this.list.replaceChildren(
      ...[...rooms].map((room) => {
        const item = doc.createElement('li');
        const button = doc.createElement('button');
        button.type = 'button';
        button.className = 'chip';
        button.textContent = `#${room}`;
        button.setAttribute('aria-pressed', String(room === current));
        button.addEventListener('click', () => this.onSelect(room));
        item.append(button);
        return item;
      }),
    );
  }
}
