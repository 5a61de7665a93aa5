/** A client of the load run: its index, its connection id, and the one room it joined. */
export interface Member {
  readonly client: number;
  readonly connectionId: string;
  readonly room: string;
}

/** The fields of a received `chat` event the ledger checks (as received: unvalidated). */
export interface ReceivedChat {
  /** The message id inside `data`. */
  readonly id: unknown;
  readonly room: unknown;
  readonly from: unknown;
}

/** Expected against received, once every message was sent and the sockets drained. */
export interface LedgerReport {
  readonly messagesSent: number;
  readonly messagesAcked: number;
  /** (message, recipient) pairs the plan expects: every other member of the sender's room. */
  readonly expected: number;
  /** Expected pairs received at least once. */
  readonly delivered: number;
  /** Expected pairs never received. */
  readonly lost: number;
  /** Extra copies of expected pairs. */
  readonly duplicated: number;
  /** Receipts nobody expected: by the sender, a non-member, or of an unknown message id. */
  readonly misdelivered: number;
  /** Expected receipts whose `room` or `from` is not the sender's. */
  readonly mislabelled: number;
  /** Acks whose `recipients` is not the sender's room size - 1. */
  readonly ackMismatches: number;
  /** Up to 10 examples of the problems above, for a human to start from. */
  readonly examples: readonly string[];
}

interface SentMessage {
  readonly sender: Member;
  readonly sentAt: number;
  /** Copies received, by client index. */
  readonly receipts: Map<number, number>;
  acked: boolean;
}

const MAX_EXAMPLES = 10;

/**
 * Accounts for every chat message of a load run: who must receive it (every other member
 * of the sender's room, exactly once), who did, and how long it took.
 *
 * @example
 * const ledger = new DeliveryLedger(members);
 * ledger.sent('0:0', 0, performance.now());
 * ledger.received(1, { id: '0:0', room: 'r0', from: members[0].connectionId }, performance.now());
 * ledger.report().lost; // 0 once every room-mate got it
 */
export class DeliveryLedger {
  private readonly members: ReadonlyMap<number, Member>;
  private readonly roomSizes = new Map<string, number>();
  private readonly messages = new Map<string, SentMessage>();
  private readonly deliveryLatencies: number[] = [];
  private readonly ackLatencies: number[] = [];
  private readonly examples: string[] = [];
  private expectedCount = 0;
  private deliveredCount = 0;
  private duplicated = 0;
  private misdelivered = 0;
  private mislabelled = 0;
  private ackMismatches = 0;
  private acked = 0;

  constructor(members: readonly Member[]) {
    this.members = new Map(members.map((member) => [member.client, member]));
    for (const { room } of members) this.roomSizes.set(room, (this.roomSizes.get(room) ?? 0) + 1);
  }

  /** Records a message before it goes on the wire; `sentAt` is `performance.now()`. */
  sent(id: string, sender: number, sentAt: number): void {
    const member = this.members.get(sender);
    if (member === undefined) throw new Error(`Unknown sender ${sender}`);
    if (this.messages.has(id)) throw new Error(`Message ${id} sent twice`);
    this.messages.set(id, { sender: member, sentAt, receipts: new Map(), acked: false });
    this.expectedCount += this.othersIn(member.room);
  }

  /** Records the ack of message `id` and its `recipients` count. */
  ack(id: string, recipients: unknown, at: number): void {
    const message = this.messages.get(id);
    if (message === undefined) throw new Error(`Ack of unknown message ${id}`);
    if (message.acked) throw new Error(`Message ${id} acked twice`);
    message.acked = true;
    this.acked += 1;
    this.ackLatencies.push(at - message.sentAt);
    const expected = this.othersIn(message.sender.room);
    if (recipients !== expected) {
      this.ackMismatches += 1;
      this.example(`ack of ${id}: recipients ${JSON.stringify(recipients)}, expected ${expected}`);
    }
  }

  /** Records a `chat` event that client `receiver` got at `at` (`performance.now()`). */
  received(receiver: number, chat: ReceivedChat, at: number): void {
    const message = typeof chat.id === 'string' ? this.messages.get(chat.id) : undefined;
    const member = this.members.get(receiver);
    if (message === undefined || member === undefined) {
      this.misdelivered += 1;
      this.example(`client ${receiver} got unknown message ${JSON.stringify(chat.id)}`);
      return;
    }
    const { sender } = message;
    if (receiver === sender.client || member.room !== sender.room) {
      this.misdelivered += 1;
      this.example(`client ${receiver} (${member.room}) got ${chat.id} of ${sender.room}`);
      return;
    }
    const copies = (message.receipts.get(receiver) ?? 0) + 1;
    message.receipts.set(receiver, copies);
    if (copies > 1) {
      this.duplicated += 1;
      this.example(`client ${receiver} got ${chat.id} ${copies} times`);
      return;
    }
    this.deliveredCount += 1;
    this.deliveryLatencies.push(at - message.sentAt);
    if (chat.room !== sender.room || chat.from !== sender.connectionId) {
      this.mislabelled += 1;
      this.example(`${chat.id} to client ${receiver} labelled ${chat.room} from ${chat.from}`);
    }
  }

  /** Expected receipts not (yet) seen. */
  outstanding(): number {
    return this.expectedCount - this.deliveredCount;
  }

  /** Milliseconds from send to each first receipt. */
  deliveryLatenciesMs(): readonly number[] {
    return this.deliveryLatencies;
  }

  /** Milliseconds from send to each ack. */
  ackLatenciesMs(): readonly number[] {
    return this.ackLatencies;
  }

  report(): LedgerReport {
    const lost = this.outstanding();
    const examples = [...this.examples];
    if (lost > 0) examples.push(...this.lostExamples(MAX_EXAMPLES - examples.length));
    return {
      messagesSent: this.messages.size,
      messagesAcked: this.acked,
      expected: this.expectedCount,
      delivered: this.deliveredCount,
      lost,
      duplicated: this.duplicated,
      misdelivered: this.misdelivered,
      mislabelled: this.mislabelled,
      ackMismatches: this.ackMismatches,
      examples,
    };
  }

  private othersIn(room: string): number {
    return (this.roomSizes.get(room) ?? 0) - 1;
  }

  private lostExamples(limit: number): string[] {
    const found: string[] = [];
    for (const [id, message] of this.messages) {
      for (const member of this.members.values()) {
        if (found.length >= limit) return found;
        const expected =
          member.room === message.sender.room && member.client !== message.sender.client;
        if (expected && !message.receipts.has(member.client))
          found.push(`client ${member.client} never got ${id}`);
      }
    }
    return found;
  }

  private example(text: string): void {
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(text);
  }
}
