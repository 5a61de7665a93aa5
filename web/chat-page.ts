import type { EventMeta, RoomGap } from '../client/index';
import { type ChatMessage, toChatLine } from './chat-line';
import { ConnectionStatus } from './connection-status';
import type { PageElements } from './elements';
import { type Member, MemberList } from './member-list';
import { type LogKind, MessageLog } from './message-log';
import { type Delivered, type NamespaceProfile, profileOf } from './namespaces';
import { openPageSocket, type PageSocket, type TokenSource } from './page-socket';
import { RoomList } from './room-list';
import { presenceText, RoomUsers, readPresence } from './room-users';
import { tokenSubject } from './token-subject';

/**
 * The chat page: one socket at a time, the rooms it joined (the pressed one is current),
 * the users of the current room (kept up to date by `presence` events) and the message log,
 * where the messages of durable rooms arrive in `seq` order, the ones missed while away
 * included. All text reaches the DOM through `textContent`.
 *
 * @example
 * new ChatPage(findElements(document), 'ws://localhost:3001/local').start();
 */
export class ChatPage {
  private socket: PageSocket | undefined;
  private profile: NamespaceProfile = profileOf('/');
  private readonly rooms = new Set<string>();
  private current: string | undefined;
  /** The users of the current room. */
  private readonly users = new RoomUsers();
  /** The namespace lists connections, not users: each "user" is a connection id. */
  private usersAreConnections = false;
  /** The connection each user last spoke from, by user id: where a DM to the user goes. */
  private readonly lastConnection = new Map<string, string>();
  /** The page's own user id, from its token, when it has one. */
  private selfUser: string | undefined;
  /** Numbers the `members` requests: only the latest one's reply is shown. */
  private membersRequest = 0;
  /** A `members` request is out (the list is `aria-busy`). */
  private membersBusy = false;
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
    // Back online: try at once rather than after the backoff (a no-op unless waiting to retry).
    window.addEventListener('online', () => this.socket?.connect());
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
    this.selfUser = tokenSubject(token);
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
    socket.on('gap', (gap) => {
      if (live()) this.log.append({ kind: 'notice', label: `#${gap.room}`, text: gapText(gap) });
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
    this.users.reset([]);
    this.lastConnection.clear();
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
    await this.deliver(
      `#${current}`,
      message,
      () => profile.post?.(socket, current, message),
      current,
    );
  }

  private async broadcast(): Promise<void> {
    const { socket, profile } = this;
    const message = this.takeMessage();
    if (!socket || !profile.broadcast || !message) return;
    await this.deliver('all', message, () =>
      profile.broadcast?.(socket, message).then((recipients) => ({ recipients })),
    );
  }

  private async direct(member: Member): Promise<void> {
    const { socket, profile } = this;
    const { name: to, directTo } = member;
    const message = this.takeMessage();
    if (!message) {
      this.log.error(`type a message, then DM ${to}`);
      this.ui.message.focus();
      return;
    }
    if (!socket || !profile.direct || directTo === undefined) return;
    await this.deliver(`to ${to}`, message, () =>
      profile.direct?.(socket, directTo, message).then((recipients) => ({ recipients })),
    );
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

  /**
   * Sends, then logs one's own message with its recipient count (and, posted to a durable
   * `room`, its seq), or why it failed.
   */
  private async deliver(
    label: string,
    message: ChatMessage,
    send: () => Promise<Delivered> | undefined,
    room?: string,
  ): Promise<void> {
    try {
      const reply = await send();
      this.log.append({
        kind: 'mine',
        label,
        ...message,
        ...(reply ? { note: `(${count(reply.recipients, 'recipient')})` } : {}),
        ...(room !== undefined ? { room } : {}),
        ...(reply?.seq !== undefined ? { seq: reply.seq } : {}),
      });
    } catch (error) {
      this.log.error(`not sent ${label}: "${message.text}" (${messageOf(error)})`);
    }
  }

  private receive(event: string, data: unknown, meta: EventMeta): void {
    const label = meta.room !== undefined ? `#${meta.room}` : (EVENT_LABELS[event] ?? event);
    if (event === 'presence') {
      this.presence(data, meta, label);
      return;
    }
    if (event === 'hello') {
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      this.log.append({ kind: 'notice', label, text });
      return;
    }
    const { from, user, room, seq } = meta;
    const line = toChatLine(data, user?.name ?? from ?? 'server');
    this.log.append({
      kind: EVENT_KINDS[event] ?? 'chat',
      label,
      ...line,
      ...(room !== undefined ? { room } : {}),
      ...(seq !== undefined ? { seq } : {}),
      ...(meta.recovered ? { recovered: true } : {}),
    });
    if (from === undefined) return;
    const speaker = user?.id ?? from;
    const wasKnown = this.lastConnection.get(speaker);
    // A recovered message may come from a connection that is gone: live ones take precedence.
    if (!meta.recovered || wasKnown === undefined) this.lastConnection.set(speaker, from);
    // A live message from someone the list lacks: the list is behind (recovered ones may be
    // from users long gone).
    const behind = room === this.current && !meta.recovered && !this.users.has(speaker);
    if (behind && !this.membersBusy) void this.refreshMembers();
    else if (wasKnown === undefined) this.showMembers();
  }

  /** A user joined or left a room: a notice, and the current room's list follows at once. */
  private presence(data: unknown, meta: EventMeta, label: string): void {
    const presence = readPresence(data);
    if (!presence) return;
    this.log.append({ kind: 'notice', label, text: presenceText(presence) });
    if (meta.room !== this.current || this.usersAreConnections) return;
    if (presence.action === 'leave') this.lastConnection.delete(presence.user.id);
    if (this.users.apply(presence)) this.showMembers();
    void this.refreshMembers(); // for the connection counts
  }

  private select(room: string): void {
    if (room !== this.current) this.users.reset([]);
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

  /**
   * Lists the current room's users again. While the socket is reconnecting the list is kept;
   * a reply overtaken by a later request (or by a change of room) is dropped.
   */
  private async refreshMembers(): Promise<void> {
    const { socket, profile, current } = this;
    const request = ++this.membersRequest;
    if (!socket || !profile.members || current === undefined) {
      this.setMembersBusy(false);
      this.users.reset([]);
      this.showMembers();
      return;
    }
    if (!socket.connected) {
      this.setMembersBusy(false); // the request before this one is dropped
      return;
    }
    this.setMembersBusy(true);
    try {
      const { ids, users } = await profile.members(socket, current);
      if (socket !== this.socket || request !== this.membersRequest) return;
      this.usersAreConnections = users === undefined;
      this.users.reset(users ?? ids.map((id) => ({ id, name: id, connections: 1 })));
      this.showMembers();
    } catch (error) {
      this.log.error(`cannot list the members of #${current}: ${messageOf(error)}`);
    } finally {
      if (request === this.membersRequest) this.setMembersBusy(false);
    }
  }

  private setMembersBusy(busy: boolean): void {
    this.membersBusy = busy;
    if (busy) this.ui.members.setAttribute('aria-busy', 'true');
    else this.ui.members.removeAttribute('aria-busy');
  }

  private showMembers(): void {
    const { socket, current, shownProfile: profile } = this;
    const self = this.usersAreConnections ? socket?.id : this.selfUser;
    const members: Member[] = this.users.list.map((user) => {
      const directTo = this.usersAreConnections ? user.id : this.lastConnection.get(user.id);
      return {
        ...user,
        self: user.id === self,
        ...(directTo !== undefined ? { directTo } : {}),
      };
    });
    this.memberList.show(members, profile.direct !== undefined);
    this.ui.membersRoom.textContent = !profile.members
      ? `${profile.name} does not list members`
      : current === undefined
        ? 'join a room to see its members'
        : `#${current}: ${count(members.length, this.usersAreConnections ? 'connection' : 'user')}`;
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

function gapText({ from, to }: RoomGap): string {
  const which = from === to ? `message ${from}` : `messages ${from}–${to}`;
  return `${which} could not be recovered`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
