import { insertionIndex, type LinePlace } from './line-order';
import { formatSentTime } from './sent-time';

/** How a log line looks: someone else's message, one's own, a server notice, an error... */
export type LogKind = 'chat' | 'mine' | 'broadcast' | 'direct' | 'notice' | 'system' | 'error';

/** One line of a conversation's log. */
export interface LogEntry {
  readonly kind: LogKind;
  /** Who said it; lines without a name (system, notices) show the text alone. */
  readonly name?: string;
  /** Shown on hover over the name: the sender's ids. */
  readonly nameTitle?: string;
  readonly text: string;
  /** A muted remark after the text, e.g. how many received it. */
  readonly note?: string;
  /** The room of a room message (`data-room`). */
  readonly room?: string;
  /** The message's number in its durable room (`data-seq`): the order the room has it in. */
  readonly seq?: number;
  /** Missed while away and fetched from the room's history: marked with the `recovered` class. */
  readonly recovered?: boolean;
  /** Said before the page joined, loaded with the room's recent history (class `history`). */
  readonly history?: boolean;
  /** When it was sent, when known (stored messages); else now. */
  readonly sentAt?: Date;
}

/** One's own message, shown at once with the class `pending` until the server acked it. */
export interface PendingLine {
  /** Acked: the note replaces "sending", and a room message takes its place by `seq`. */
  delivered(note: string, seq?: number): void;
  /** Refused or lost: the line gets the class `failed` and the reason as its note. */
  failed(reason: string): void;
}

/**
 * The lines of one conversation (an `<ol role="log">`). Room messages are kept in `seq` order
 * (`data-seq`, whatever order they arrive in; a seq already shown is not shown twice), one's
 * pending messages stay at the bottom until acked, and every line shows the time it was sent.
 * Every piece of text is set with `textContent`, never parsed as HTML.
 *
 * @example
 * const log = new MessageLog(document.querySelector('ol')!);
 * log.append({ kind: 'chat', name: 'Ann', text: 'hi', room: 'lobby', seq: 7 }); // "12:00:01 Ann: hi"
 */
export class MessageLog {
  constructor(
    readonly list: HTMLOListElement,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether the line of `seq` is shown already. */
  has(seq: number): boolean {
    return this.list.querySelector(`li[data-seq="${seq}"]`) !== null;
  }

  /** Adds a line in its place (by seq; above pending lines); false when its seq is shown already. */
  append(entry: LogEntry): boolean {
    if (entry.seq !== undefined && this.has(entry.seq)) return false;
    this.place(this.line(entry), entry.seq);
    return true;
  }

  /** Adds one's own message at the bottom, pending until `delivered` or `failed`. */
  appendPending(entry: LogEntry, waiting: string): PendingLine {
    const item = this.line({ ...entry, note: waiting });
    item.classList.add('pending');
    item.setAttribute('aria-busy', 'true');
    this.place(item, undefined);
    const done = (note: string): void => {
      item.classList.remove('pending');
      item.removeAttribute('aria-busy');
      const span = item.querySelector('.note');
      if (span) span.textContent = note;
    };
    return {
      delivered: (note, seq) => {
        done(note);
        if (seq === undefined || this.has(seq)) return;
        item.dataset.seq = String(seq);
        item.remove();
        this.place(item, seq);
      },
      failed: (reason) => {
        done(`not sent: ${reason}`);
        item.classList.add('failed');
      },
    };
  }

  /** A line about the connection or the rooms. */
  system(text: string): void {
    this.append({ kind: 'system', text });
  }

  /** A line about something that failed. */
  error(text: string): void {
    this.append({ kind: 'error', text });
  }

  /** Removes every line. */
  clear(): void {
    this.list.replaceChildren();
  }

  private line(entry: LogEntry): HTMLLIElement {
    const doc = this.list.ownerDocument;
    const item = doc.createElement('li');
    item.className = [
      'entry',
      entry.kind,
      entry.recovered && 'recovered',
      entry.history && 'history',
    ]
      .filter(Boolean)
      .join(' ');
    if (entry.room !== undefined) item.dataset.room = entry.room;
    if (entry.seq !== undefined) item.dataset.seq = String(entry.seq);
    if (entry.recovered) item.title = 'recovered from history';
    const sent = entry.sentAt ?? this.now();
    const time = doc.createElement('time');
    time.dateTime = sent.toISOString();
    time.textContent = formatSentTime(sent, this.now());
    time.title = sent.toLocaleString();
    item.append(time, ' ');
    if (entry.name !== undefined) {
      const name = span(doc, 'name', entry.name);
      if (entry.nameTitle !== undefined) name.title = entry.nameTitle;
      item.append(name, ': ');
    }
    item.append(span(doc, 'text', entry.text));
    if (entry.note !== undefined) item.append(' ', span(doc, 'note', entry.note));
    return item;
  }

  /** Inserts `item` where `insertionIndex` says, and keeps the view at the bottom if it was. */
  private place(item: HTMLLIElement, seq: number | undefined): void {
    const { list } = this;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 48;
    const lines = Array.from(list.children) as HTMLElement[];
    const index = insertionIndex(lines.map(placeOf), seq);
    list.insertBefore(item, lines[index] ?? null);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }
}

function placeOf(line: HTMLElement): LinePlace {
  const seq = line.dataset.seq;
  return {
    seq: seq === undefined ? undefined : Number(seq),
    pending: line.classList.contains('pending'),
  };
}

function span(doc: Document, className: string, text: string): HTMLSpanElement {
  const element = doc.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}
