import { ChatClientError } from './errors';
import type { EventMeta, RoomGap } from './events';
import { type ReadMessage, type ReadPage, readHistoryPage } from './history';
import { type CursorStep, RoomCursor } from './room-cursor';
import { isCursorSeq } from './seq';
import type { TimerHandle, Timers } from './timers';

/** Failed history fetches in a row (of retryable kinds) after which the missing seqs are given up. */
export const MAX_HISTORY_FAILURES = 3;

/** History fetch failures worth another try at the next gap timer. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['TIMEOUT', 'INTERNAL', 'RATE_LIMITED']);

/** An event of a durable room, live or from history, with its room and seq in `meta`. */
export interface SequencedEvent {
  readonly event: string;
  readonly data: unknown;
  readonly meta: EventMeta & { readonly room: string; readonly seq: number };
}

/** What `RoomRecovery` needs of its socket. */
export interface RecoveryHost {
  /** Dispatches an event to the app's listeners. */
  deliver(event: SequencedEvent): void;
  /** Reports seqs given up for good (the `gap` lifecycle event). */
  lost(gap: RoomGap): void;
  /** Sends `history` `{ room, since }` on the current socket and resolves with the ack data. */
  fetch(room: string, since: number): Promise<unknown>;
  /** Whether `from` is a connection id this client had: its stored messages are its own. */
  isOwn(from: string): boolean;
}

export interface RecoverySettings {
  readonly namespace: string;
  readonly gapWaitMs: number;
  readonly timers: Timers;
  /** Cursors to start from (e.g. persisted before a page reload). */
  readonly initialSeqs: ReadonlyMap<string, number>;
}

/** Where the room stands on the current socket: gap timers and fetches run only when joined. */
type Phase = 'idle' | 'joining' | 'joined';

interface RoomState {
  readonly room: string;
  readonly cursor: RoomCursor<SequencedEvent>;
  phase: Phase;
  /** The phase to return to when a join fails. */
  phaseBeforeJoin: Phase;
  fetching: boolean;
  failures: number;
  timer: TimerHandle | undefined;
  /** Missing seqs up to this one are given up if the armed timer's fetch does not return them. */
  deadline: number;
}

/**
 * Ordered, gap-free delivery for the durable rooms of one socket: a `RoomCursor` per room, the
 * gap timer, and the `history` fetches that fill gaps and catch up after a reconnection.
 *
 * A missing seq is given up (reported with `gap`) only when the server says it is gone
 * (`trimmed`), or when it was already missing when a gap timer started and the history fetched
 * after that timer does not have it; seqs still being written by the server are waited for.
 *
 * @example
 * const recovery = new RoomRecovery(host, { namespace: '/', gapWaitMs: 1_000, timers, initialSeqs: new Map() });
 * const since = recovery.joining('lobby'); // undefined: a first join
 * recovery.joined('lobby', { room: 'lobby', members: 2, seq: 41 }, since);
 * recovery.receive({ event: 'chat', data: 'hi', meta: { ns: '/', room: 'lobby', seq: 42 } }); // delivered
 */
export class RoomRecovery {
  private readonly rooms = new Map<string, RoomState>();
  /** Bumped by `suspend()`, so the result of a fetch on a socket that is gone is ignored. */
  private epoch = 0;

  constructor(
    private readonly host: RecoveryHost,
    private readonly settings: RecoverySettings,
  ) {
    for (const [room, seq] of settings.initialSeqs) this.add(room, seq);
  }

  /** The room's watermark: undefined for a room without a cursor, or before its join ack. */
  lastSeq(room: string): number | undefined {
    return this.rooms.get(room)?.cursor.lastSeq;
  }

  /** A join of `room` is being sent: returns the `since` to send with it, if the cursor is known. */
  joining(room: string): number | undefined {
    const state = this.rooms.get(room) ?? this.add(room, undefined);
    if (state.phase !== 'joining') state.phaseBeforeJoin = state.phase;
    state.phase = 'joining';
    this.cancelTimer(state);
    return state.cursor.lastSeq;
  }

  /**
   * Takes the join ack: without `seq` the room is not durable and its cursor is dropped; a
   * first join starts at the ack's head; a join sent with `since` delivers the ack's history
   * (and fetches its further pages).
   */
  joined(room: string, reply: unknown, since: number | undefined): void {
    const state = this.rooms.get(room);
    if (!state) return;
    state.phase = 'joined';
    const ack = (typeof reply === 'object' && reply !== null ? reply : {}) as Record<
      string,
      unknown
    >;
    const head = isCursorSeq(ack.seq) ? ack.seq : undefined;
    const { cursor } = state;
    if (head === undefined) {
      this.forget(room);
      for (const event of cursor.drain()) this.host.deliver(event);
      return;
    }
    if (cursor.lastSeq === undefined || head < cursor.lastSeq) {
      this.run(state, cursor.anchor(head));
      this.check(state);
      return;
    }
    cursor.noteHead(head);
    const history = since === undefined ? undefined : readHistoryPage(ack.history);
    if (history && !state.fetching) void this.recover(state, since ?? 0, 0, { ...history, head });
    else if (history) this.applyPage(state, { ...history, head, next: undefined });
    else this.check(state);
  }

  /** The join was refused or lost: a first join forgets the room, a re-join keeps its cursor. */
  joinFailed(room: string): void {
    const state = this.rooms.get(room);
    if (!state) return;
    if (!state.cursor.anchored) {
      this.forget(room);
      return;
    }
    state.phase = state.phaseBeforeJoin;
    this.check(state);
  }

  /** A live event with a seq: false when its room has no cursor (the caller delivers it as is). */
  receive(event: SequencedEvent): boolean {
    const state = this.rooms.get(event.meta.room);
    if (!state) return false;
    this.run(state, state.cursor.accept(event.meta.seq, event));
    this.check(state);
    return true;
  }

  /** The ack of the client's own message in `room` reported its seq: the watermark may pass it. */
  ownMessage(room: string, seq: number): void {
    const state = this.rooms.get(room);
    if (!state) return;
    this.run(state, state.cursor.markSeen(seq));
    this.check(state);
  }

  /** Drops the room's cursor, held events and timer (after `leave`). */
  forget(room: string): void {
    const state = this.rooms.get(room);
    if (state) this.cancelTimer(state);
    this.rooms.delete(room);
  }

  /** The socket is gone: timers stop, fetches in flight are ignored; cursors and held events stay. */
  suspend(): void {
    this.epoch++;
    for (const state of this.rooms.values()) {
      this.cancelTimer(state);
      state.phase = 'idle';
      state.phaseBeforeJoin = 'idle';
      state.fetching = false;
    }
  }

  private add(room: string, lastSeq: number | undefined): RoomState {
    const state: RoomState = {
      room,
      cursor: new RoomCursor<SequencedEvent>(lastSeq),
      phase: 'idle',
      phaseBeforeJoin: 'idle',
      fetching: false,
      failures: 0,
      timer: undefined,
      deadline: 0,
    };
    this.rooms.set(room, state);
    return state;
  }

  /**
   * Delivers the history after `since`, page by page (`first` is applied at once), giving up
   * the missing seqs that are final: those below the first message of a `trimmed` page at
   * once, and those up to `deadline` once the history came back without them (or could not
   * be fetched).
   */
  private async recover(
    state: RoomState,
    since: number,
    deadline: number,
    first?: ReadPage,
  ): Promise<void> {
    const epoch = this.epoch;
    state.fetching = true;
    this.cancelTimer(state);
    let pageSince = since;
    let complete = false;
    let failure: unknown;
    try {
      let page = first ?? (await this.fetchPage(state.room, pageSince));
      for (;;) {
        if (!this.owns(state, epoch) || !this.applyPage(state, page)) return;
        if (page.trimmed && !this.run(state, state.cursor.skipTo(trimmedUpTo(page, pageSince)))) {
          return;
        }
        if (page.next === undefined || page.next <= pageSince) break;
        pageSince = page.next;
        page = await this.fetchPage(state.room, pageSince);
      }
      complete = true;
    } catch (error) {
      failure = error;
    }
    if (!this.owns(state, epoch)) return;
    state.fetching = false;
    this.run(state, state.cursor.skipTo(this.givenUpTo(state, complete, failure, deadline)));
    this.check(state);
  }

  /** How far missing seqs are given up after a fetch; counts the failures in a row. */
  private givenUpTo(
    state: RoomState,
    complete: boolean,
    failure: unknown,
    deadline: number,
  ): number {
    if (complete) {
      state.failures = 0;
      return deadline;
    }
    const code = failure instanceof ChatClientError ? failure.code : undefined;
    if (code === 'DISCONNECTED') {
      state.phase = 'idle'; // the re-join after the reconnection catches up
      return 0;
    }
    if (
      code !== undefined &&
      RETRYABLE_CODES.has(code) &&
      ++state.failures < MAX_HISTORY_FAILURES
    ) {
      return 0;
    }
    state.failures = 0;
    return deadline;
  }

  private async fetchPage(room: string, since: number): Promise<ReadPage> {
    const page = readHistoryPage(await this.host.fetch(room, since));
    if (!page) throw new TypeError('The history reply has no messages');
    return page;
  }

  /** Delivers a page's messages through the cursor; false when the room was forgotten meanwhile. */
  private applyPage(state: RoomState, page: ReadPage): boolean {
    for (const message of page.messages) {
      const steps =
        message.from !== undefined && this.host.isOwn(message.from)
          ? state.cursor.markSeen(message.seq)
          : state.cursor.accept(message.seq, this.recovered(state.room, message));
      if (!this.run(state, steps)) return false;
    }
    if (page.head !== undefined) state.cursor.noteHead(page.head);
    return true;
  }

  private recovered(room: string, message: ReadMessage): SequencedEvent {
    return {
      event: message.event,
      data: message.data,
      meta: {
        ns: this.settings.namespace,
        room,
        seq: message.seq,
        ...(message.id !== undefined ? { id: message.id } : {}),
        ...(message.from !== undefined ? { from: message.from } : {}),
        ...(message.user ? { user: message.user } : {}),
        ...(message.at !== undefined ? { at: message.at } : {}),
        recovered: true,
      },
    };
  }

  /** Carries out cursor steps; stops (false) if a listener made the socket forget the room. */
  private run(state: RoomState, steps: readonly CursorStep<SequencedEvent>[]): boolean {
    for (const step of steps) {
      if (this.rooms.get(state.room) !== state) return false;
      if (step.kind === 'deliver') this.host.deliver(step.item);
      else this.host.lost({ room: state.room, from: step.from, to: step.to });
    }
    return this.rooms.get(state.room) === state;
  }

  /** Arms the gap timer when a gap is open and nothing else is under way; disarms it when closed. */
  private check(state: RoomState): void {
    if (this.rooms.get(state.room) !== state) return;
    if (!state.cursor.hasGap) {
      this.cancelTimer(state);
      return;
    }
    if (state.phase !== 'joined' || state.fetching || state.timer !== undefined) return;
    state.deadline = state.cursor.head;
    state.timer = this.settings.timers.setTimeout(
      () => this.fire(state),
      Math.max(0, this.settings.gapWaitMs),
    );
  }

  private fire(state: RoomState): void {
    state.timer = undefined;
    if (this.rooms.get(state.room) !== state || state.phase !== 'joined' || state.fetching) return;
    const since = state.cursor.lastSeq;
    if (since === undefined || !state.cursor.hasGap) return;
    void this.recover(state, since, state.deadline);
  }

  private owns(state: RoomState, epoch: number): boolean {
    return this.epoch === epoch && this.rooms.get(state.room) === state;
  }

  private cancelTimer(state: RoomState): void {
    if (state.timer !== undefined) this.settings.timers.clearTimeout(state.timer);
    state.timer = undefined;
  }
}

/**
 * The seqs a `trimmed` page shows gone for good: those before its first message (all up to
 * its head when it has none). Holes further on may be messages still being written, so they
 * are left to the gap timer.
 */
function trimmedUpTo(page: ReadPage, since: number): number {
  return (page.messages[0]?.seq ?? (page.head ?? since) + 1) - 1;
}
