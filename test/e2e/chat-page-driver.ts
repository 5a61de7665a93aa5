import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** How long a step waits for the page to show what it expects. */
const STEP_TIMEOUT_MS = 10_000;

/**
 * One user of the chat page in its own browser context, driven through accessible names
 * only (the labels and roles a screen reader would use). Every wait is on visible UI.
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

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly name: string,
  ) {
    this.log = page.getByRole('log');
    this.status = page.getByRole('status');
  }

  /** Opens the page at `url` in a new context, with `name` typed in the Name box. */
  static async open(browser: Browser, url: string, name: string): Promise<ChatPageDriver> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(url);
    await page.getByLabel('Name', { exact: true }).fill(name);
    return new ChatPageDriver(context, page, name);
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

  /** Waits for a line of the message log that contains `text`. */
  async waitForLine(text: string | RegExp): Promise<void> {
    await this.log.getByRole('listitem').filter({ hasText: text }).first().waitFor();
  }

  /** The whole text of the message log, now. */
  async logText(): Promise<string> {
    return (await this.log.textContent()) ?? '';
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
