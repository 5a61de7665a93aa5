/** One thing a cursor tells its owner to do, in order: deliver an item, or report a final gap. */
export type CursorStep<T> =
  | { readonly kind: 'deliver'; readonly seq: number; readonly item: T }
  | { readonly kind: 'gap'; readonly from: number; readonly to: number };

/** A seq received ahead of its turn: an item to deliver, or an own message (nothing to deliver). */
interface Held<T> {
  readonly item: T | undefined;
  readonly own: boolean;
}

/**
 * The delivery order of one durable room: a contiguous watermark `lastSeq` (every seq up to it
 * was delivered, seen or given up) and the items received ahead of their turn. It never calls
 * anything: each method returns the steps to carry out, in order. Until `anchor()` (the join
 * ack) it has no watermark and holds everything.
 *
 * @example
 * const cursor = new RoomCursor<string>(41);
 * cursor.accept(43, 'b'); // [] (held: 42 is missing)
 * cursor.accept(42, 'a'); // deliver 42 'a', then deliver 43 'b'
 * cursor.lastSeq; // 43
 */
export class RoomCursor<T> {
  private watermark: number | undefined;
  /** The highest seq known to exist (received, held or reported as a head). */
  private known: number;
  private readonly held = new Map<number, Held<T>>();

  constructor(lastSeq?: number) {
    this.watermark = lastSeq;
    this.known = lastSeq ?? 0;
  }

  /** Every seq up to this one was delivered, seen or given up; undefined until anchored. */
  get lastSeq(): number | undefined {
    return this.watermark;
  }

  get anchored(): boolean {
    return this.watermark !== undefined;
  }

  /** The highest seq known to exist. */
  get head(): number {
    return this.known;
  }

  /** Whether some seq between the watermark and the head is missing. */
  get hasGap(): boolean {
    return this.watermark !== undefined && this.known > this.watermark;
  }

  /** How many seqs are held ahead of the watermark. */
  get heldCount(): number {
    return this.held.size;
  }

  /**
   * Takes the item of `seq`: delivered with its held successors when it is next, held when it
   * is ahead, dropped when it is a duplicate (at or below the watermark, or already held).
   */
  accept(seq: number, item: T): CursorStep<T>[] {
    return this.take(seq, { item, own: false });
  }

  /** Records `seq` as the client's own message: it lets the watermark pass without a delivery. */
  markSeen(seq: number): CursorStep<T>[] {
    return this.take(seq, { item: undefined, own: true });
  }

  /** Records that the room has reached `seq` (a head from the server): the seqs up to it exist. */
  noteHead(seq: number): void {
    this.known = Math.max(this.known, seq);
  }

  /**
   * Puts the watermark at `head` (the join point, or a head below the watermark after the room
   * was reset): held seqs up to it are dropped, the ones right after it delivered.
   */
  anchor(head: number): CursorStep<T>[] {
    this.watermark = head;
    this.known = head;
    for (const seq of [...this.held.keys()]) {
      if (seq <= head) this.held.delete(seq);
      else this.known = Math.max(this.known, seq);
    }
    return this.flush();
  }

  /**
   * Gives up on every missing seq up to `seq`: each run of them is reported as a gap, in order
   * with the held items around them, and the watermark moves on past `seq` as far as it can.
   */
  skipTo(seq: number): CursorStep<T>[] {
    if (this.watermark === undefined || seq <= this.watermark) return [];
    const steps: CursorStep<T>[] = [];
    const passed = [...this.held.keys()].filter((held) => held <= seq).sort((a, b) => a - b);
    for (const held of passed) {
      if (held > this.watermark + 1) {
        steps.push({ kind: 'gap', from: this.watermark + 1, to: held - 1 });
      }
      this.watermark = held;
      steps.push(...this.release(held));
    }
    if (seq > this.watermark) {
      steps.push({ kind: 'gap', from: this.watermark + 1, to: seq });
      this.watermark = seq;
    }
    this.known = Math.max(this.known, seq);
    steps.push(...this.flush());
    return steps;
  }

  /**
   * Drops the ordering: returns every held item in seq order and forgets them (a room that
   * turned out not to be durable).
   */
  drain(): T[] {
    const items = [...this.held.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([, held]) => (held.own ? [] : [held.item as T]));
    this.held.clear();
    return items;
  }

  private take(seq: number, entry: Held<T>): CursorStep<T>[] {
    if ((this.watermark !== undefined && seq <= this.watermark) || this.held.has(seq)) return [];
    this.known = Math.max(this.known, seq);
    if (this.watermark === undefined || seq !== this.watermark + 1) {
      this.held.set(seq, entry);
      return [];
    }
    this.watermark = seq;
    return [...this.stepsFor(seq, entry), ...this.flush()];
  }

  /** Delivers the held successors of the watermark, as long as they are contiguous. */
  private flush(): CursorStep<T>[] {
    const steps: CursorStep<T>[] = [];
    while (this.watermark !== undefined && this.held.has(this.watermark + 1)) {
      this.watermark++;
      steps.push(...this.release(this.watermark));
    }
    return steps;
  }

  private release(seq: number): CursorStep<T>[] {
    const entry = this.held.get(seq);
    this.held.delete(seq);
    return entry ? this.stepsFor(seq, entry) : [];
  }

  private stepsFor(seq: number, entry: Held<T>): CursorStep<T>[] {
    return entry.own ? [] : [{ kind: 'deliver', seq, item: entry.item as T }];
  }
}
