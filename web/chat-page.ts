import type { EventMeta, RoomGap, StoredMessage, UserInfo } from '../client/index';
import { type ChatMessage, toChatLine } from './chat-line';
import { ConnectionStatus } from './connection-status';
import type { Conversation, ConversationTarget } from './conversation';
import { Conversations } from './conversations';
import type { PageElements } from './elements';
import { type Member, MemberList } from './member-list';
import type { LogKind } from './message-log';
import { type Delivered, type NamespaceProfile, profileOf, type SendOptions } from './namespaces';
import { openPageSocket, type PageSocket, type TokenSource } from './page-socket';
import { presenceText, RoomUsers, readPresence } from './room-users';
import { SavedName } from './saved-name';
import { tokenIdentity } from './token-identity';

/** How many of a room's latest messages are shown on joining it. */
export const RECENT_MESSAGES = 50;

/**
 * The chat page: one socket at a time and its conversations, one shown at a time with unread
 * counts on the others: `Everyone` (broadcasts, greetings, connection notices), one per joined
 * room (its recent history loaded on joining, its messages in `seq` order with the time they
 * were sent) and one per DM partner (opened from the member list or by a DM received; the
 * only way to send a DM). Send goes to the conversation shown; one's message shows at once,
 * pending until the server acks it (also while the socket is away: it is sent on
 * reconnecting). The member list shows the users of the room shown last. People are shown
 * by name, their ids on hover. All text reaches the DOM through `textContent`.
 *
 * Tokens come from the injected `TokenSource`, asked before every (re)connection.
 *
 * @example
 * new ChatPage(findElements(document), 'ws://localhost:3001/local', tokenFor).start();
 */
export class ChatPage {
  private socket: PageSocket | undefined;
  private profile: NamespaceProfile = profileOf('/');
  private readonly conversations: Conversations;
  /** The room whose members are listed: the room shown, or the last one shown. */
  private lastRoom: string | undefined;
  /** The users of `memberRoom`. */
  private readonly users = new RoomUsers();
  /** The namespace lists connections, not users: each "user" is a connection id. */
  private usersAreConnections = false;
  /** The connection each user last spoke from, by user id: where a DM to the user goes. */
  private readonly lastConnection = new Map<string, string>();
  /** The page's own user, from its token, when it has one. */
  private self: UserInfo | undefined;
  /** Numbers the `members` requests: only the latest one's reply is shown. */
  private membersRequest = 0;
  /** A `members` request is out (the list is `aria-busy`). */
  private membersBusy = false;
  private readonly status: ConnectionStatus;
  private readonly memberList: MemberList;
  private readonly savedName: SavedName;

  constructor(
    private readonly ui: PageElements,
    private readonly url: string,
    private readonly tokenFor: TokenSource = () => undefined,
    storage: Storage | undefined = globalThis.localStorage,
  ) {
    this.status = new ConnectionStatus(ui.status);
    this.memberList = new MemberList(ui.members, (member) => this.openDirect(member));
    this.conversations = new Conversations(ui.logs, ui.conversations, () => this.shown());
    this.savedName = new SavedName(storage);
  }

  /** Wires the controls and shows the initial state. */
  start(): void {
    const { ui } = this;
    if (ui.name.value.trim() === '') ui.name.value = this.savedName.load() ?? '';
    onSubmit(ui.sessionForm, () => this.connect());
    onSubmit(ui.roomForm, () => this.join());
    onSubmit(ui.messageForm, () => this.post());
    ui.name.addEventListener('change', () => this.savedName.save(ui.name.value));
    ui.disconnect.addEventListener('click', () => this.disconnect());
    ui.leave.addEventListener('click', () => void this.leave());
    ui.refreshMembers.addEventListener('click', () => void this.refreshMembers());
    ui.namespace.addEventListener('change', () => this.render());
    window.addEventListener('pagehide', () => this.socket?.close());
    this.everyone.system(`chat server: ${this.url}`);
    this.render();
  }

  /** The log of `Everyone`: connection notices, broadcasts, greetings. */
  private get everyone(): Conversation['log'] {
    return this.conversations.everyone.log;
  }

  /** The connected namespace's profile, or the selected one's while not connected. */
  private get shownProfile(): NamespaceProfile {
    return this.socket ? this.profile : profileOf(this.ui.namespace.value);
  }

  /** The name typed in the Name box. */
  private get userName(): string {
    return this.ui.name.value.trim() || 'anonymous';
  }

  /** The page's own name: its token's, else the Name box's. */
  private get selfName(): string {
    return this.self?.name ?? this.userName;
  }

  /** The room whose members are listed, if it is still open. */
  private get memberRoom(): string | undefined {
    const { lastRoom } = this;
    if (lastRoom === undefined) return undefined;
    return this.conversations.find({ kind: 'room', room: lastRoom }) ? lastRoom : undefined;
  }

  private connect(): void {
    if (this.socket) return;
    this.savedName.save(this.ui.name.value);
    const profile = profileOf(this.ui.namespace.value);
    let socket: PageSocket;
    try {
      socket = openPageSocket(this.url, profile.name, this.tokenFor);
    } catch (error) {
      this.everyone.error(`cannot connect to ${this.url}: ${messageOf(error)}`); // e.g. a bad ?ws=
      return;
    }
    this.socket = socket;
    this.profile = profile;
    this.self = tokenIdentity(this.tokenFor());
    const live = (): boolean => socket === this.socket;
    socket.on('connect', () => {
      if (!live()) return;
      this.status.show({ kind: 'connected', name: this.selfName, id: socket.id });
      this.everyone.system(`connected to ${profile.name} as ${this.selfName}`);
      this.render();
      void this.refreshMembers();
    });
    socket.on('reconnect', (attempts) => {
      if (!live()) return;
      const rooms = this.conversations.rooms;
      this.everyone.system(`reconnected after ${count(attempts, 'attempt')}`);
      for (const room of rooms) this.roomLog(room)?.system(`back in #${room} after reconnecting`);
      profile
        .rejoin?.(socket, rooms, this.userName)
        .catch((error: unknown) => this.everyone.error(`cannot re-join: ${messageOf(error)}`));
    });
    socket.on('disconnect', ({ code, reason }) => {
      if (!live()) return;
      this.status.show({ kind: 'disconnected' });
      this.everyone.system(`disconnected (${code}${reason ? ` ${reason}` : ''})`);
      this.render();
    });
    socket.on('reconnect_attempt', (attempt) => {
      if (!live()) return;
      this.status.show({ kind: 'reconnecting', attempt });
      this.everyone.system(`reconnecting (attempt ${attempt})`);
    });
    socket.on('connect_error', (error) => {
      if (live()) this.everyone.error(`cannot connect: ${error.message}`);
    });
    socket.on('rejoin_error', (room, error) => {
      if (!live()) return;
      this.everyone.error(`cannot re-join #${room}: ${error.message}`);
      if (!socket.rooms.has(room)) this.closeRoom(room);
    });
    socket.on('error', (error) => {
      if (live()) this.conversations.current.log.error(`${error.code}: ${error.message}`);
    });
    socket.on('gap', (gap) => {
      if (live()) this.roomLog(gap.room)?.append({ kind: 'notice', text: gapText(gap) });
    });
    profile.subscribe(socket, (event, data, meta) => {
      if (live()) this.receive(event, data, meta);
    });
    this.status.show({ kind: 'connecting' });
    this.everyone.system(`connecting to ${profile.name} as ${this.userName}`);
    this.render();
  }

  private disconnect(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined; // first: the socket's own `disconnect` event is then ignored
    socket.close();
    this.conversations.closeAll();
    this.users.reset([]);
    this.lastConnection.clear();
    this.status.show({ kind: 'disconnected' });
    this.everyone.system('disconnected');
    this.render();
  }

  private async join(): Promise<void> {
    const { socket, profile } = this;
    const room = this.ui.room.value.trim();
    if (!socket || !profile.join || room === '') return;
    try {
      const line = await profile.join(socket, room, this.userName);
      if (socket !== this.socket) return;
      const conversation = this.conversations.open({ kind: 'room', room });
      this.conversations.select(conversation.key);
      this.clearRoomBox(room);
      await this.showRecent(socket, room, conversation);
      conversation.log.system(line);
      this.render();
    } catch (error) {
      this.conversations.current.log.error(`cannot join #${room}: ${messageOf(error)}`);
    }
  }

  /** Shows the room's latest messages, said before joining, in `seq` order with their times. */
  private async showRecent(
    socket: PageSocket,
    room: string,
    conversation: Conversation,
  ): Promise<void> {
    if (!this.profile.recent) return;
    let messages: StoredMessage[];
    try {
      messages = await this.profile.recent(socket, room, RECENT_MESSAGES);
    } catch (error) {
      conversation.log.error(`cannot load the history of #${room}: ${messageOf(error)}`);
      return;
    }
    if (socket !== this.socket) return;
    for (const message of messages) {
      const { seq, data, user, from, at } = message;
      const line = toChatLine(data, user?.name ?? from ?? 'server');
      conversation.log.append({
        kind: user !== undefined && user.id === this.self?.id ? 'mine' : 'chat',
        ...line,
        ...namesOf(user, from, line),
        room,
        seq,
        history: true,
        sentAt: new Date(at),
      });
    }
  }

  /** Leaves the room in the Room box, else the room shown. */
  private async leave(): Promise<void> {
    const { socket, profile } = this;
    const shown = this.conversations.current.target;
    const room = this.ui.room.value.trim() || (shown.kind === 'room' ? shown.room : undefined);
    if (!socket || !profile.leave || room === undefined) return;
    try {
      await profile.leave(socket, room);
      if (socket !== this.socket) return;
      this.clearRoomBox(room);
      this.closeRoom(room);
      this.everyone.system(`left #${room}`);
    } catch (error) {
      this.conversations.current.log.error(`cannot leave #${room}: ${messageOf(error)}`);
    }
  }

  /** Sends the Message box's text to the conversation shown, pending until acked. */
  private async post(): Promise<void> {
    const { socket } = this;
    const conversation = this.conversations.current;
    const { target } = conversation;
    if (!socket || !this.canSend(target)) return;
    const message = this.takeMessage();
    if (!message) return;
    const to = target.kind === 'dm' ? this.directConnection(target.user) : undefined;
    if (target.kind === 'dm' && to === undefined) {
      conversation.log.error(`not sent: ${target.user.name}'s connection is not known yet`);
      return;
    }
    // Offline, the emit waits in the client's buffer for the connection, however long it takes.
    const options: SendOptions = socket.connected ? {} : { timeout: 0 };
    const pending = conversation.log.appendPending(
      {
        kind: 'mine',
        ...message,
        ...(this.self ? { nameTitle: `user ${this.self.id}` } : {}),
        ...(target.kind === 'room' ? { room: target.room } : {}),
      },
      socket.connected ? 'sending…' : 'waiting for the connection…',
    );
    try {
      const reply = await this.send(socket, target, to, message, options);
      pending.delivered(`(${count(reply.recipients, 'recipient')})`, reply.seq);
    } catch (error) {
      pending.failed(messageOf(error));
    }
  }

  private send(
    socket: PageSocket,
    target: ConversationTarget,
    to: string | undefined,
    message: ChatMessage,
    options: SendOptions,
  ): Promise<Delivered> {
    const { profile } = this;
    const recipients = (n: number): Delivered => ({ recipients: n });
    if (target.kind === 'room' && profile.post) {
      return profile.post(socket, target.room, message, options);
    }
    if (target.kind === 'dm' && profile.direct && to !== undefined) {
      return profile.direct(socket, to, message, options).then(recipients);
    }
    if (target.kind === 'everyone' && profile.broadcast) {
      return profile.broadcast(socket, message, options).then(recipients);
    }
    return Promise.reject(new Error(`${profile.name} cannot send there`));
  }

  /** Whether Send works in a conversation with `target` in this namespace. */
  private canSend(target: ConversationTarget): boolean {
    const { profile } = this;
    if (target.kind === 'room') return profile.post !== undefined;
    if (target.kind === 'dm') return profile.direct !== undefined;
    return profile.broadcast !== undefined;
  }

  /** The connection a DM to `user` goes to: the one it last spoke from (or is, listing connections). */
  private directConnection(user: UserInfo): string | undefined {
    return this.lastConnection.get(user.id) ?? (this.usersAreConnections ? user.id : undefined);
  }

  /** Opens (and shows) the DM conversation with a member; nothing is sent. */
  private openDirect(member: Member): void {
    const conversation = this.conversations.open({
      kind: 'dm',
      user: { id: member.id, name: member.name },
    });
    this.conversations.select(conversation.key);
    this.ui.message.focus();
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
    return { name: this.selfName, text };
  }

  private receive(event: string, data: unknown, meta: EventMeta): void {
    if (event === 'presence') {
      this.presence(data, meta);
      return;
    }
    const { from, user, room, seq, recovered, at } = meta;
    if (event === 'hello') {
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      const log = (room !== undefined ? this.roomLog(room) : undefined) ?? this.everyone;
      log.append({ kind: 'notice', text });
      return;
    }
    const conversation = this.conversationOf(event, meta);
    if (!conversation) return;
    const line = toChatLine(data, user?.name ?? from ?? 'server');
    const own = user !== undefined && user.id === this.self?.id;
    const shown = conversation.log.append({
      kind: own ? 'mine' : (EVENT_KINDS[event] ?? 'chat'),
      ...line,
      ...namesOf(user, from, line),
      ...(room !== undefined ? { room } : {}),
      ...(seq !== undefined ? { seq } : {}),
      ...(recovered ? { recovered: true } : {}),
      ...(at !== undefined ? { sentAt: new Date(at) } : {}),
    });
    if (shown && !own) this.conversations.received(conversation);
    if (from === undefined) return;
    const speaker = user?.id ?? from;
    const wasKnown = this.lastConnection.get(speaker);
    // A recovered message may come from a connection that is gone: live ones take precedence.
    if (!recovered || wasKnown === undefined) this.lastConnection.set(speaker, from);
    // A live message from someone the list lacks: the list is behind (recovered ones may be
    // from users long gone).
    const behind = room === this.memberRoom && !recovered && !this.users.has(speaker);
    if (behind && !this.membersBusy) void this.refreshMembers();
    else if (wasKnown === undefined) this.showMembers();
  }

  /** Where a received message goes: its room's, its sender's DM or `Everyone`. */
  private conversationOf(event: string, meta: EventMeta): Conversation | undefined {
    if (meta.room !== undefined) return this.conversations.find({ kind: 'room', room: meta.room });
    if (event === 'direct') {
      const partner = meta.user ?? (meta.from ? { id: meta.from, name: meta.from } : undefined);
      if (!partner) return this.conversations.everyone;
      const conversation = this.conversations.open({ kind: 'dm', user: partner });
      if (conversation.title !== `@${partner.name}`)
        conversation.retitle({ kind: 'dm', user: partner });
      return conversation;
    }
    return this.conversations.everyone;
  }

  /** A user joined or left a room: a notice there, and the member list follows at once. */
  private presence(data: unknown, meta: EventMeta): void {
    const presence = readPresence(data);
    if (!presence || meta.room === undefined) return;
    this.roomLog(meta.room)?.append({ kind: 'notice', text: presenceText(presence) });
    if (meta.room !== this.memberRoom || this.usersAreConnections) return;
    if (presence.action === 'leave') this.lastConnection.delete(presence.user.id);
    if (this.users.apply(presence)) this.showMembers();
    void this.refreshMembers(); // for the connection counts
  }

  private roomLog(room: string): Conversation['log'] | undefined {
    return this.conversations.find({ kind: 'room', room })?.log;
  }

  /** Another conversation is shown: a room's members are listed. */
  private shown(): void {
    const { target } = this.conversations.current;
    if (target.kind === 'room' && target.room !== this.lastRoom) {
      this.lastRoom = target.room;
      this.users.reset([]);
      void this.refreshMembers();
    }
    this.render();
  }

  private closeRoom(room: string): void {
    const conversation = this.conversations.find({ kind: 'room', room });
    if (conversation) this.conversations.close(conversation);
    if (this.memberRoom === undefined) {
      this.users.reset([]);
      void this.refreshMembers();
    }
    this.render();
  }

  /**
   * Lists the member room's users again. While the socket is reconnecting the list is kept;
   * a reply overtaken by a later request (or by a change of room) is dropped.
   */
  private async refreshMembers(): Promise<void> {
    const { socket, profile, memberRoom: room } = this;
    const request = ++this.membersRequest;
    if (!socket || !profile.members || room === undefined) {
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
      const { ids, users } = await profile.members(socket, room);
      if (socket !== this.socket || request !== this.membersRequest) return;
      this.usersAreConnections = users === undefined;
      this.users.reset(users ?? ids.map((id) => ({ id, name: id, connections: 1 })));
      this.showMembers();
    } catch (error) {
      this.everyone.error(`cannot list the members of #${room}: ${messageOf(error)}`);
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
    const { socket, memberRoom: room, shownProfile: profile } = this;
    const self = this.usersAreConnections ? socket?.id : this.self?.id;
    const members: Member[] = this.users.list.map((user) => {
      const directTo = this.directConnection(user);
      return {
        ...user,
        self: user.id === self,
        ...(directTo !== undefined ? { directTo } : {}),
      };
    });
    this.memberList.show(members, profile.direct !== undefined);
    this.ui.membersRoom.textContent = !profile.members
      ? `${profile.name} does not list members`
      : room === undefined
        ? 'join a room to see its members'
        : `#${room}: ${count(members.length, this.usersAreConnections ? 'connection' : 'user')}`;
  }

  /** Enables the controls that make sense now and redraws the conversation list and hints. */
  private render(): void {
    const { ui, socket, shownProfile: profile } = this;
    const current = this.conversations.current;
    const open = socket !== undefined;
    ui.connect.disabled = open;
    ui.disconnect.disabled = !open;
    ui.namespace.disabled = open;
    ui.name.disabled = open;
    ui.room.disabled = !profile.join;
    ui.room.placeholder = profile.suggestedRooms[0] ?? '';
    ui.join.disabled = !open || !profile.join;
    ui.leave.disabled = !open || !profile.leave || this.conversations.rooms.length === 0;
    ui.send.disabled = !open || !this.canSend(current.target);
    ui.refreshMembers.disabled = !socket?.connected || !profile.members || !this.memberRoom;
    ui.roomSuggestions.replaceChildren(
      ...profile.suggestedRooms.map((room) => new Option(room, room)),
    );
    ui.conversationTitle.textContent = current.title;
    ui.target.textContent = targetHint(profile, current.target);
    ui.message.placeholder = this.canSend(current.target) ? `Message ${current.title}` : '';
    this.conversations.render();
    this.showMembers();
  }
}

const EVENT_KINDS: Readonly<Record<string, LogKind>> = { broadcast: 'broadcast', direct: 'direct' };

/** The name a message line shows (the verified one when there is one) and its ids, on hover. */
function namesOf(
  user: UserInfo | undefined,
  from: string | undefined,
  line: ChatMessage,
): { name: string; nameTitle?: string } {
  const ids = [user && `user ${user.id}`, from && `connection ${from}`].filter(Boolean);
  return {
    name: user?.name ?? line.name,
    ...(ids.length > 0 ? { nameTitle: ids.join(' · ') } : {}),
  };
}

function targetHint(profile: NamespaceProfile, target: ConversationTarget): string {
  switch (target.kind) {
    case 'room':
      return profile.post ? `Send posts to #${target.room}.` : '';
    case 'dm':
      return `Send goes to ${target.user.name} only.`;
    default:
      return profile.broadcast
        ? `Send broadcasts to everyone in ${profile.name}. Join a room, or DM a member.`
        : `${profile.name}: greetings and connection notices.${profile.join ? ' Join a room to chat.' : ''}`;
  }
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
