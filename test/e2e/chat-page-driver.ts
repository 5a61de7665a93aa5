import type { Browser, BrowserContext, Locator, Page, ViewportSize } from 'playwright-core';

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
  /** The time it shows as sent, as its `<time datetime>` (ISO 8601). */
  readonly sentAt: string;
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
 * checks read what the page exposes for them (`data-room`, `data-seq`, the `recovered`,
 * `pending` and `failed` classes of log lines, `data-user` and `data-connections` of member
 * rows, the status's title). `log` is the log of the conversation shown; the others are hidden.
 *
 * @example
 * const ann = await ChatPageDriver.open(browser, url, 'Ann');
 * await ann.connect();
 * await ann.join('lobby');
 * await ann.send('hi');
 */
export class ChatPageDriver {
  readonly log: Locator;
  /** The log of `Everyone`: connection notices, broadcasts; hidden unless shown. */
  readonly everyoneLog: Locator;
  readonly status: Locator;
  readonly members: Locator;
  readonly conversations: Locator;

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly name: string,
    private readonly url: string,
  ) {
    this.log = page.getByRole('log');
    this.everyoneLog = page.getByRole('log', {
      name: 'Everyone',
      exact: true,
      includeHidden: true,
    });
    this.status = page.getByRole('status');
    this.members = page.getByRole('list', { name: 'Members', exact: true }).getByRole('listitem');
    this.conversations = page.getByRole('list', { name: 'Conversations', exact: true });
  }

  /**
   * Opens the page at `url` in a new context and signs in as `name` through the local
   * issuer's sign-in page (in anonymous mode, or with no name, types `name` in the Name box
   * instead). `watch`
   * sees the page before it loads (to record its navigations or console).
   */
  static async open(
    browser: Browser,
    url: string,
    name: string,
    viewport: ViewportSize = { width: 1100, height: 720 },
    watch?: (page: Page) => void,
  ): Promise<ChatPageDriver> {
    const context = await browser.newContext({ viewport });
    return ChatPageDriver.load(context, url, name, watch);
  }

  private static async load(
    context: BrowserContext,
    url: string,
    name: string,
    watch?: (page: Page) => void,
  ): Promise<ChatPageDriver> {
    const page = await context.newPage();
    watch?.(page);
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(url);
    const driver = new ChatPageDriver(context, page, name, url);
    // A nameless user stays signed out (the issuer's page takes no empty name).
    if (name !== '' && (await driver.needsSignIn())) await driver.signIn();
    else await page.getByLabel('Name', { exact: true }).fill(name);
    return driver;
  }

  /** The page knows an issuer (config.json) and is not signed in yet. */
  async needsSignIn(): Promise<boolean> {
    const account = this.page.locator('#account');
    await account.filter({ hasText: /\S/ }).waitFor({ state: 'attached' });
    return (await account.textContent()) === 'Not signed in';
  }

  /**
   * Signs in as this driver's name: Sign in, then the issuer's page (skipped by the issuer
   * when this browser context already signed in there), back to the chat page.
   */
  async signIn(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The account line is hidden on narrow screens: waited for as attached.
    const signedIn = this.page.locator('#account', { hasText: `Signed in as ${this.name}` });
    const issuerPage = this.page.getByRole('heading', { name: 'Sign in', exact: true });
    await signedIn.or(issuerPage).first().waitFor({ state: 'attached' });
    if (await issuerPage.isVisible()) {
      await this.page.getByLabel('Name', { exact: true }).fill(this.name);
      await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    }
    await signedIn.waitFor({ state: 'attached' });
  }

  /** Opens the page again in another tab of the same browser context (the same user). */
  async openTab(): Promise<ChatPageDriver> {
    return ChatPageDriver.load(this.context, this.url, this.name);
  }

  /** Clicks Connect and resolves with the connection id the status shows on hover. */
  /** Waits until the page has started (config read, signed in or not): Connect is enabled. */
  async ready(): Promise<void> {
    await this.page
      .getByRole('button', { name: 'Connect', exact: true })
      .and(this.page.locator(':enabled'))
      .waitFor();
  }

  async connect(): Promise<string> {
    await this.page.getByRole('button', { name: 'Connect', exact: true }).click();
    return this.connectedId();
  }

  /**
   * Waits until the status reads `connected as <name>` with a connection id other than
   * `previousId` in its title (`connection <id>`, shown on hover); resolves with the id.
   */
  async connectedId(previousId?: string): Promise<string> {
    const other = previousId === undefined ? '' : `(?!${escapeRegExp(previousId)}$)`;
    await this.page.waitForFunction(
      (pattern) => {
        const status = document.querySelector('[role="status"]');
        return (
          status?.getAttribute('data-state') === 'connected' &&
          new RegExp(pattern).test(status.getAttribute('title') ?? '')
        );
      },
      `^connection ${other}\\S+$`,
      { polling: 50 },
    );
    const id = /^connection (\S+)$/.exec((await this.status.getAttribute('title')) ?? '')?.[1];
    if (id === undefined) throw new Error('The status lost its connection id');
    return id;
  }

  /** Joins a room with the Room box and the Join button, and waits for the page to confirm. */
  async join(room: string): Promise<void> {
    await this.page.getByLabel('Room', { exact: true }).fill(room);
    await this.page.getByRole('button', { name: 'Join', exact: true }).click();
    await this.page.getByRole('button', { name: `#${room}`, exact: true, pressed: true }).waitFor();
  }

  /** Sends to the conversation shown and waits until one's own line is no longer pending (acked). */
  async send(text: string): Promise<void> {
    await this.page.getByLabel('Message', { exact: true }).fill(text);
    await this.page.getByRole('button', { name: 'Send', exact: true }).click();
    await this.waitForSent(text);
  }

  /** Waits until one's own line of `text` in the conversation shown is delivered (not pending). */
  async waitForSent(text: string): Promise<void> {
    await this.ownLine(text).and(this.log.locator('li.mine:not(.pending)')).waitFor();
  }

  /** One's own line of `text` in the conversation shown. */
  ownLine(text: string): Locator {
    return this.log
      .locator('li.mine')
      .filter({ hasText: `${this.name}: ${text}` })
      .first();
  }

  /** Types `text` in the Message box and presses Enter, as a user would. */
  async typeAndEnter(text: string): Promise<void> {
    const box = this.page.getByLabel('Message', { exact: true });
    await box.fill(text);
    await box.press('Enter');
  }

  /** The button of a conversation (`#lobby`, `@Bob`, `Everyone`), whatever its unread count. */
  conversation(title: string): Locator {
    return this.conversations.getByRole('button', {
      name: new RegExp(`^${escapeRegExp(title)}( \\(\\d+ unread\\))?$`),
    });
  }

  /** Shows a conversation. */
  async openConversation(title: string): Promise<void> {
    await this.conversation(title).click();
    await this.page.getByRole('button', { name: title, exact: true, pressed: true }).waitFor();
  }

  /** The titles of the conversations, in the order listed, and their unread counts. */
  async conversationList(): Promise<{ title: string; unread: number; shown: boolean }[]> {
    return this.conversations.getByRole('button').evaluateAll((buttons) =>
      buttons.map((button) => ({
        title: button.querySelector('span:not(.unread)')?.textContent ?? '',
        unread: Number(button.querySelector('.unread')?.textContent ?? 0),
        shown: button.getAttribute('aria-pressed') === 'true',
      })),
    );
  }

  /** Clicks a member's DM button: the direct conversation with them is shown. */
  async openDirect(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Direct message to ${name}`, exact: true }).click();
    await this.page.getByRole('button', { name: `@${name}`, exact: true, pressed: true }).waitFor();
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
        const failed = lines.find((li) => li.classList.contains('failed'));
        if (failed) throw new Error(failed.textContent ?? 'not sent');
        const sent = new Set(
          lines
            .filter((li) => li.classList.contains('mine') && !li.classList.contains('pending'))
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

  /** The room message lines (those with `data-seq`) of `room`'s log, in the order shown. */
  async seqLines(room: string): Promise<SeqLine[]> {
    return this.page.locator('[role="log"] li[data-seq]').evaluateAll(
      (items, wanted) =>
        items
          .filter((li) => (li as HTMLElement).dataset.room === wanted)
          .map((li) => ({
            room: wanted,
            seq: Number((li as HTMLElement).dataset.seq),
            line: `${li.querySelector('.name')?.textContent}: ${li.querySelector('.text')?.textContent}`,
            mine: li.classList.contains('mine'),
            recovered: li.classList.contains('recovered'),
            sentAt: li.querySelector('time')?.dateTime ?? '',
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
    const idle = this.page.locator('ul[aria-labelledby="members-title"]:not([aria-busy="true"])');
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

  /** Waits for a line of the log shown that contains `text`. */
  async waitForLine(text: string | RegExp): Promise<void> {
    await this.log.getByRole('listitem').filter({ hasText: text }).first().waitFor();
  }

  /** Waits for a line of the `Everyone` log (shown or not) that contains `text`. */
  async waitForEveryoneLine(text: string | RegExp): Promise<void> {
    await this.everyoneLog
      .locator('li')
      .filter({ hasText: text })
      .first()
      .waitFor({ state: 'attached' });
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
