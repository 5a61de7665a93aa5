import type { EventMeta } from '../client/index';
import { type ChatMessage, toChatLine } from './chat-line';
import { ConnectionStatus } from './connection-status';
import type { PageElements } from './elements';
import { type Member, MemberList } from './member-list';
import { type LogKind, MessageLog } from './message-log';
import { type NamespaceProfile, profileOf } from './namespaces';
import { openPageSocket, type PageSocket, type TokenSource } from './page-socket';
import { RoomList } from './room-list';

/**
 * The chat page: one socket at a time, the rooms it joined (the pressed one is current),
 * the members of the current room and the message log. All text reaches the DOM through
 * `textContent`.
 *
 * @example
 * new ChatPage(findElements(document), 'ws://localhost:3001/local').start();
 */
export class ChatPage {
  private socket: PageSocket | undefined;
  private profile: NamespaceProfile = profileOf('/');
  private readonly rooms = new Set<string>();
  private current: string | undefined;
  /** Display names seen in messages, by connection id. */
  private readonly names = new Map<string, string>();
  private memberIds: readonly string[] = [];
  private readonly log: MessageLog;
  private readonly status: ConnectionStatus;
  private readonly memberList: MemberList;
  private readonly roomList: RoomList;
  /** A token is being fetched for a connect. */
  private fetchingToken = false;

  constructor(
    private readonly ui: PageElements,
    private readonly url: string,
    private readonly tokenFor: TokenSource = async () => undefined,
  ) {
    this.log = new MessageLog(ui.log);
    this.status = new ConnectionStatus(ui.status);
    this.memberList = new MemberList(ui.members, (member) => void this.direct(member));
    this.roomList = new RoomList(ui.joinedRooms, (room) => this.select(room));
  }

  /** Wires the controls and shows the initial state. */
  start(): void {
    const { ui } = this;
    onSubmit(ui.sessionForm, () => this.connect());
    onSubmit(ui.roomForm, () => this.join());
    onSubmit(ui.messageForm, () => this.post());
    ui.disconnect.addEventListener('click', () => this.disconnect());
    ui.leave.addEventListener('click', () => void this.leave());
    ui.broadcast.addEventListener('click', () => void this.broadcast());
    ui.refreshMembers.addEventListener('click', () => void this.refreshMembers());
    ui.namespace.addEventListener('change', () => this.render());
    window.addEventListener('pagehide', () => this.socket?.close());
    this.log.system(`chat server: ${this.url}`);
    this.render();
  }

  /** The connected namespace's profile, or the selected one's while not connected. */
  private get shownProfile(): NamespaceProfile {
    return this.socket ? this.profile : profileOf(this.ui.namespace.value);
  }

  private get userName(): string {
    return this.ui.name.value.trim() || 'anonymous';
  }

  private connect(): void {
    if (this.socket || this.fetchingToken) return;
    this.fetchingToken = true;
    void this.tokenFor(this.userName).then((token) => {
      this.fetchingToken = false;
      this.open(token);
    });
  }

  private open(token: string | undefined): void {
    if (this.socket) return;
    const profile = profileOf(this.ui.namespace.value);
    let socket: PageSocket;
    try {
      socket = openPageSocket(this.url, profile.name, token);
    } catch (error) {
      this.log.error(`cannot connect to ${this.url}: ${messageOf(error)}`); // e.g. a bad ?ws=
      return;
    }
    this.socket = socket;
    this.profile = profile;
    const live = (): boolean => socket === this.socket;
    socket.on('connect', () => {
      if (!live()) return;
      this.status.show({ kind: 'connected', id: socket.id });
      this.log.system(`connected to ${profile.name} as ${socket.id ?? 'an unknown id'}`);
      this.render();
      void this.refreshMembers();
    });
    socket.on('reconnect', (attempts) => {
      if (!live()) return;
      const rooms = [...this.rooms];
      const back =
        rooms.length > 0 ? `; back in ${rooms.map((room) => `#${room}`).join(', ')}` : '';
      this.log.system(`reconnected after ${count(attempts, 'attempt')}${back}`);
      profile
        .rejoin?.(socket, rooms, this.userName)
        .catch((error: unknown) => this.log.error(`cannot re-join: ${messageOf(error)}`));
    });
    socket.on('disconnect', ({ code, reason }) => {
      if (!live()) return;
      this.status.show({ kind: 'disconnected' });
      this.log.system(`disconnected (${code}${reason ? ` ${reason}` : ''})`);
      this.render();
    });
    socket.on('reconnect_attempt', (attempt) => {
      if (!live()) return;
      this.status.show({ kind: 'reconnecting', attempt });
      this.log.system(`reconnecting (attempt ${attempt})`);
    });
    socket.on('connect_error', (error) => {
      if (live()) this.log.error(`cannot connect: ${error.message}`);
    });
    socket.on('rejoin_error', (room, error) => {
      if (!live()) return;
      if (!socket.rooms.has(room)) this.forget(room);
      this.log.error(`cannot re-join #${room}: ${error.message}`);
    });
    socket.on('error', (error) => {
      if (live()) this.log.error(`${error.code}: ${error.message}`);
    });
    profile.subscribe(socket, (event, data, meta) => {
      if (live()) this.receive(event, data, meta);
    });
    this.status.show({ kind: 'connecting' });
    this.log.system(`connecting to ${profile.name} as ${this.userName}`);
    this.render();
  }

  private disconnect(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined; // first: the socket's own `disconnect` event is then ignored
    socket.close();
    this.rooms.clear();
    this.current = undefined;
    this.memberIds = [];
    this.status.show({ kind: 'disconnected' });
    this.log.system('disconnected');
    this.render();
  }

  private async join(): Promise<void> {
    const { socket, profile } = this;
    const room = this.ui.room.value.trim();
    if (!socket || !profile.join || room === '') return;
    try {
      const line = await profile.join(socket, room, this.userName);
      if (socket !== this.socket) return;
      this.rooms.add(room);
      this.current = room;
      this.clearRoomBox(room);
      this.log.system(line);
      this.render();
      await this.refreshMembers();
    } catch (error) {
      this.log.error(`cannot join #${room}: ${messageOf(error)}`);
    }
  }

  /** Leaves the room in the Room box, or the current room when it is empty. */
  private async leave(): Promise<void> {
    const { socket, profile } = this;
    const room = this.ui.room.value.trim() || this.current;
    if (!socket || !profile.leave || room === undefined) return;
    try {
      await profile.leave(socket, room);
      if (socket !== this.socket) return;
      this.clearRoomBox(room);
      this.forget(room);
      this.log.system(`left #${room}`);
    } catch (error) {
      this.log.error(`cannot leave #${room}: ${messageOf(error)}`);
    }
  }

  private async post(): Promise<void> {
    const { socket, profile, current } = this;
    const message = this.takeMessage();
    if (!socket || !profile.post || current === undefined || !message) return;
    await this.deliver(`#${current}`, message, () => profile.post?.(socket, current, message));
  }

  private async broadcast(): Promise<void> {
    const { socket, profile } = this;
    const message = this.takeMessage();
    if (!socket || !profile.broadcast || !message) return;
    await this.deliver('all', message, () => profile.broadcast?.(socket, message));
  }

  private async direct(member: Member): Promise<void> {
    const { socket, profile } = this;
    const to = member.name ?? member.id;
    const message = this.takeMessage();
    if (!message) {
      this.log.error(`type a message, then DM ${to}`);
      this.ui.message.focus();
      return;
    }
    if (!socket || !profile.direct) return;
    await this.deliver(`to ${to}`, message, () => profile.direct?.(socket, member.id, message));
  }

  /** Empties the Room box unless the user typed another room meanwhile. */
  private clearRoomBox(room: string): void {
    if (this.ui.room.value.trim() === room) this.ui.room.value = '';
  }

  /** The Message box as a chat message (emptied), or undefined when it is blank. */
  private takeMessage(): ChatMessage | undefined {
    const text = this.ui.message.value;
    if (text.trim() === '') return undefined;
    this.ui.message.value = '';
    this.ui.message.focus();
    return { name: this.userName, text };
  }

  /** Sends, then logs one's own message with its recipient count, or why it failed. */
  private async deliver(
    label: string,
    message: ChatMessage,
    send: () => Promise<number> | undefined,
  ): Promise<void> {
    try {
      const recipients = await send();
      const note = recipients === undefined ? undefined : `(${count(recipients, 'recipient')})`;
      this.log.append({ kind: 'mine', label, ...message, ...(note ? { note } : {}) });
    } catch (error) {
      this.log.error(`not sent ${label}: "${message.text}" (${messageOf(error)})`);
    }
  }

  private receive(event: string, data: unknown, meta: EventMeta): void {
    const label = meta.room !== undefined ? `#${meta.room}` : (EVENT_LABELS[event] ?? event);
    if (event === 'hello') {
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      this.log.append({ kind: 'notice', label, text });
      return;
    }
    const from = meta.from;
    const line = toChatLine(data, from ?? 'server');
    this.log.append({ kind: EVENT_KINDS[event] ?? 'chat', label, ...line });
    if (from === undefined) return;
    const known = this.names.get(from);
    if (line.name !== from) this.names.set(from, line.name);
    if (meta.room === this.current && !this.memberIds.includes(from)) void this.refreshMembers();
    else if (known !== line.name) this.showMembers();
  }

  private select(room: string): void {
    this.current = room;
    this.render();
    void this.refreshMembers();
  }

  private forget(room: string): void {
    this.rooms.delete(room);
    if (this.current === room) this.current = [...this.rooms].at(-1);
    this.render();
    void this.refreshMembers();
  }

  private async refreshMembers(): Promise<void> {
    const { socket, profile, current } = this;
    let ids: readonly string[] = [];
    if (socket?.connected && profile.members && current !== undefined) {
      try {
        ids = await profile.members(socket, current);
      } catch (error) {
        this.log.error(`cannot list the members of #${current}: ${messageOf(error)}`);
      }
      if (socket !== this.socket || current !== this.current) return;
    }
    this.memberIds = ids;
    this.showMembers();
  }

  private showMembers(): void {
    const { socket, current, shownProfile: profile } = this;
    const self = socket?.id;
    const members = this.memberIds.map((id) => ({
      id,
      name: id === self ? this.userName : this.names.get(id),
      self: id === self,
    }));
    this.memberList.show(members, profile.direct !== undefined);
    this.ui.membersRoom.textContent = !profile.members
      ? `${profile.name} does not list members`
      : current === undefined
        ? 'join a room to see its members'
        : `#${current}: ${count(members.length, 'member')}`;
  }

  /** Enables the controls that make sense now and redraws the room list and hints. */
  private render(): void {
    const { ui, socket, current, shownProfile: profile } = this;
    const open = socket !== undefined;
    ui.connect.disabled = open;
    ui.disconnect.disabled = !open;
    ui.namespace.disabled = open;
    ui.room.disabled = !profile.join;
    ui.room.placeholder = profile.suggestedRooms[0] ?? '';
    ui.join.disabled = !open || !profile.join;
    ui.leave.disabled = !open || !profile.leave || this.rooms.size === 0;
    ui.send.disabled = !open || !profile.post || current === undefined;
    ui.broadcast.disabled = !open || !profile.broadcast;
    ui.refreshMembers.disabled = !socket?.connected || !profile.members || current === undefined;
    ui.roomSuggestions.replaceChildren(
      ...profile.suggestedRooms.map((room) => new Option(room, room)),
    );
    ui.target.textContent = targetHint(profile, current);
    this.roomList.show(this.rooms, current);
    this.showMembers();
  }
}

const EVENT_LABELS: Readonly<Record<string, string>> = { broadcast: 'all', direct: 'direct' };
const EVENT_KINDS: Readonly<Record<string, LogKind>> = { broadcast: 'broadcast', direct: 'direct' };

function targetHint(profile: NamespaceProfile, current: string | undefined): string {
  if (!profile.post) return `${profile.name} only listens: greetings show up in the log.`;
  const send = current === undefined ? 'Join a room to post to it.' : `Send posts to #${current}.`;
  return profile.broadcast ? `${send} Broadcast reaches everyone in ${profile.name}.` : send;
}

function onSubmit(form: HTMLFormElement, action: () => void | Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void action();
  });
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
