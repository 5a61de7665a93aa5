/** How a log line looks: someone else's message, one's own, a server notice, an error... */
export type LogKind = 'chat' | 'mine' | 'broadcast' | 'direct' | 'notice' | 'system' | 'error';

/** One line of the message list. */
export interface LogEntry {
  readonly kind: LogKind;
  /** Where it was said: `#lobby`, `all`, `direct`, `to Bob`... */
  readonly label?: string;
  /** Who said it; lines without a name (system, notices) show the text alone. */
  readonly name?: string;
  readonly text: string;
  /** A muted remark after the text, e.g. how many received it. */
  readonly note?: string;
  /** The room of a room message (`data-room`). */
  readonly room?: string;
  /** The message's number in its durable room (`data-seq`): the order the room has it in. */
  readonly seq?: number;
  /** Missed while away and fetched from the room's history: marked with the `recovered` class. */
  readonly recovered?: boolean;
}

/**
 * The message list (`role="log"`). Every piece of text is set with `textContent`, never parsed
 * as HTML, so messages cannot inject markup. A room message's line carries `data-room` and,
 * in a durable room, `data-seq`; lines recovered from history have the class `recovered`.
 *
 * @example
 * const log = new MessageLog(document.querySelector('ol')!);
 * log.append({ kind: 'chat', label: '#lobby', name: 'Ann', text: 'hi' }); // "12:00:01 #lobby Ann: hi"
 */
export class MessageLog {
  constructor(
    private readonly list: HTMLElement,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Adds a line at the bottom and scrolls to it. */
  append(entry: LogEntry): void {
    const doc = this.list.ownerDocument;
    const item = doc.createElement('li');
    item.className = `entry ${entry.kind}${entry.recovered ? ' recovered' : ''}`;
    if (entry.room !== undefined) item.dataset.room = entry.room;
    if (entry.seq !== undefined) item.dataset.seq = String(entry.seq);
    if (entry.recovered) item.title = 'recovered from history';
    const time = doc.createElement('time');
    const now = this.now();
    time.dateTime = now.toISOString();
    time.textContent = now.toLocaleTimeString([], { hour12: false });
    item.append(time, ' ');
    if (entry.label !== undefined) item.append(span(doc, 'label', entry.label), ' ');
    if (entry.name !== undefined) item.append(span(doc, 'name', entry.name), ': ');
    item.append(span(doc, 'text', entry.text));
    if (entry.note !== undefined) item.append(' ', span(doc, 'note', entry.note));
    this.list.append(item);
    item.scrollIntoView({ block: 'end' });
  }

  /** A line about the connection or the rooms. */
  system(text: string): void {
    this.append({ kind: 'system', text });
  }

  /** A line about something that failed. */
  error(text: string): void {
    this.append({ kind: 'error', text });
  }
}

function span(doc: Document, className: string, text: string): HTMLSpanElement {
  const element = doc.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}
