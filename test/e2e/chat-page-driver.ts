import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** How long a step waits for the page to show what it expects. */
const STEP_TIMEOUT_MS = 10_000;

/** A line of the message log that carries a room message's `data-seq`. */
export interface SeqLine {
  readonly room: string;
  readonly seq: number;
  /** `name: text` as shown. */
  readonly line: string;
  /** One's own message (logged when the server acked it) rather than a received one. */
  readonly mine: boolean;
  /** Marked as recovered from the room's history. */
  readonly recovered: boolean;
}

/** A row of the member list. */
export interface MemberRow {
  readonly user: string;
  readonly connections: number;
  readonly text: string;
}

/**
 * One user of the chat page in its own browser context, driven through accessible names
 * only (the labels and roles a screen reader would use). Every wait is on the UI; the order
 * checks read what the page exposes for them (`data-room`, `data-seq`, the `recovered` class
 * of log lines, `data-user` and `data-connections` of member rows).
 *
 * @example
 * const ann = await ChatPageDriver.open(browser, url, 'Ann');
 * await ann.connect();
 * await ann.join('lobby');
 * await ann.send('hi');
 */
export class ChatPageDriver {
  readonly log: Locator;
  readonly status: Locator;
  readonly members: Locator;

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly name: string,
    private readonly url: string,
  ) {
    this.log = page.getByRole('log');
    this.status = page.getByRole('status');
    this.members = page.getByRole('list', { name: 'Members', exact: true }).getByRole('listitem');
  }

  /** Opens the page at `url` in a new context, with `name` typed in the Name box. */
  static async open(browser: Browser, url: string, name: string): Promise<ChatPageDriver> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    return ChatPageDriver.load(context, url, name);
  }

  private static async load(
    context: BrowserContext,
    url: string,
    name: string,
  ): Promise<ChatPageDriver> {
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(url);
    await page.getByLabel('Name', { exact: true }).fill(name);
    return new ChatPageDriver(context, page, name, url);
  }

  /** Opens the page again in another tab of the same browser context (the same user). */
  async openTab(): Promise<ChatPageDriver> {
    return ChatPageDriver.load(this.context, this.url, this.name);
  }

  /** Clicks Connect and resolves with the connection id the status shows. */
  async connect(): Promise<string> {
    await this.page.getByRole('button', { name: 'Connect', exact: true }).click();
    return this.connectedId();
  }

  /** Waits until the status reads `connected as <id>`, other than `previousId`; resolves with the id. */
  async connectedId(previousId?: string): Promise<string> {
    const other = previousId === undefined ? '' : `(?!${escapeRegExp(previousId)}$)`;
    const connected = this.status.filter({ hasText: new RegExp(`^connected as ${other}\\S+$`) });
    await connected.waitFor();
    const id = /^connected as (\S+)$/.exec((await connected.textContent()) ?? '')?.[1];
    if (id === undefined) throw new Error('The status lost its connection id');
    return id;
  }

  /** Joins a room with the Room box and the Join button, and waits for the page to confirm. */
  async join(room: string): Promise<void> {
    await this.page.getByLabel('Room', { exact: true }).fill(room);
    await this.page.getByRole('button', { name: 'Join', exact: true }).click();
    await this.page.getByRole('button', { name: `#${room}`, exact: true, pressed: true }).waitFor();
  }

  /** Posts to the current room and waits for one's own line (logged once the server acked it). */
  async send(text: string): Promise<void> {
    await this.page.getByLabel('Message', { exact: true }).fill(text);
    await this.page.getByRole('button', { name: 'Send', exact: true }).click();
    await this.waitForLine(`${this.name}: ${text}`);
  }

  /**
   * Posts every text to the current room at once: the Message box takes each text and the form
   * is submitted, all in one task of the page, so the posts are in flight together (as fast as
   * no typing user could). Then waits until the page logged each one as sent; fails at once if
   * the page reports one as not sent.
   */
  async sendBurst(texts: readonly string[]): Promise<void> {
    await this.page.getByLabel('Message', { exact: true }).evaluate((input, all) => {
      const box = input as HTMLInputElement;
      for (const text of all) {
        box.value = text;
        box.form?.requestSubmit();
      }
    }, texts);
    const mine = texts.map((text) => `${this.name}: ${text}`);
    await this.page.waitForFunction(
      (expected) => {
        const lines = Array.from(document.querySelectorAll('[role="log"] li'));
        const failed = lines.find(
          (li) => li.classList.contains('error') && /not sent/.test(li.textContent ?? ''),
        );
        if (failed) throw new Error(failed.textContent ?? 'not sent');
        const sent = new Set(
          lines
            .filter((li) => li.classList.contains('mine'))
            .map(
              (li) =>
                `${li.querySelector('.name')?.textContent}: ${li.querySelector('.text')?.textContent}`,
            ),
        );
        return expected.every((line) => sent.has(line));
      },
      mine,
      { polling: 50 },
    );
  }

  /** The log's room message lines (those with `data-seq`) of `room`, in the order shown. */
  async seqLines(room: string): Promise<SeqLine[]> {
    return this.log.locator('li[data-seq]').evaluateAll(
      (items, wanted) =>
        items
          .filter((li) => (li as HTMLElement).dataset.room === wanted)
          .map((li) => ({
            room: wanted,
            seq: Number((li as HTMLElement).dataset.seq),
            line: `${li.querySelector('.name')?.textContent}: ${li.querySelector('.text')?.textContent}`,
            mine: li.classList.contains('mine'),
            recovered: li.classList.contains('recovered'),
          })),
      room,
    );
  }

  /** Waits until the log shows `count` received (not own) lines of `room` with a seq. */
  async waitForReceived(room: string, count: number, timeout = STEP_TIMEOUT_MS): Promise<void> {
    await this.page.waitForFunction(
      ([wanted, n]) =>
        Array.from(
          document.querySelectorAll<HTMLElement>('[role="log"] li[data-seq]:not(.mine)'),
        ).filter((li) => li.dataset.room === wanted).length >= n,
      [room, count] as const,
      { polling: 100, timeout },
    );
  }

  /** The rows of the member list, now. */
  async memberRows(): Promise<MemberRow[]> {
    return this.members.evaluateAll((items) =>
      items.map((li) => ({
        user: (li as HTMLElement).dataset.user ?? '',
        connections: Number((li as HTMLElement).dataset.connections),
        text: li.textContent ?? '',
      })),
    );
  }

  /** Clicks Refresh until the member list satisfies `accept` (the server is asked each time). */
  async refreshMembersUntil(accept: (rows: MemberRow[]) => boolean): Promise<MemberRow[]> {
    const refresh = this.page.getByRole('button', { name: 'Refresh', exact: true });
    // The list is aria-busy while a `members` request is out; its reply redraws it.
    const idle = this.page.locator('[aria-labelledby="members-title"]:not([aria-busy="true"])');
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      await refresh.click();
      await idle.waitFor();
      const rows = await this.memberRows();
      if (accept(rows)) return rows;
      if (Date.now() > deadline) {
        throw new Error(`The member list never matched: ${JSON.stringify(rows)}`);
      }
    }
  }

  /**
   * Takes the page's network down (new connections fail at once; an open socket is left alone)
   * or brings it back (the page's `online` event).
   */
  async setOffline(offline: boolean): Promise<void> {
    await this.context.setOffline(offline);
  }

  /** Waits for a line of the message log that contains `text`. */
  async waitForLine(text: string | RegExp): Promise<void> {
    await this.log.getByRole('listitem').filter({ hasText: text }).first().waitFor();
  }

  /** The whole text of the message log, now. */
  async logText(): Promise<string> {
    return (await this.log.textContent()) ?? '';
  }

  /** How many lines of the message log contain `text`, now. */
  async countLines(text: string | RegExp): Promise<number> {
    return this.log.getByRole('listitem').filter({ hasText: text }).count();
  }

  /** Closes this tab only (its socket closes with it). */
  async closeTab(): Promise<void> {
    await this.page.close();
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
