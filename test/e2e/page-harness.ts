import path from 'node:path';
import type { Browser, Page, ViewportSize } from 'playwright-core';
import { connect, type StoredMessage } from '../../client/node';
import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { ChatPageDriver } from './chat-page-driver';
import { launchChromium } from './chromium';

/** Where web/build.ts puts the page (built by global-setup.ts). */
const STATIC_DIR = path.resolve(__dirname, '../../dist/web');

/**
 * The local runtime serving the chat page, and Chromium: opens pages for users and closes
 * them between tests.
 *
 * @example
 * const harness = await startPageHarness();
 * const ann = await harness.inRoom('Ann', 'lobby');
 */
export interface PageHarness {
  readonly runtime: LocalRuntime;
  readonly browser: Browser;
  readonly pageUrl: string;
  /**
   * Opens the page for a new user (a browser context of its own), signed in through the local
   * issuer; `watch` sees the page before it loads. Closed by `closePages`.
   */
  open(
    name: string,
    viewport?: ViewportSize,
    watch?: (page: Page) => void,
  ): Promise<ChatPageDriver>;
  /** Opens, connects to `/` and joins `room`. */
  inRoom(name: string, room: string): Promise<ChatPageDriver>;
  /** The whole history of `room` as the server keeps it, read with a Node client of the SDK. */
  history(room: string): Promise<StoredMessage[]>;
  /** A token for a Node client (`client/node.ts`) of user `user`, named `name` (default: the id). */
  token(user: string, name?: string): Promise<string>;
  /** The `@connections/{id}` URL of the emulator's management API (calls must be signed: `signedFetch`). */
  connectionUrl(connectionId: string): string;
  closePages(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The runtime with its local OIDC issuer: every page signs in there (`ChatPageDriver`).
 * `accessTokenTtlSeconds` shortens the issuer's access tokens (refresh tests).
 */
export async function startPageHarness(
  options: {
    readonly accessTokenTtlSeconds?: number;
    /** Environment of every function (`USER_MESSAGE_LIMIT`, …). */
    readonly environment?: Readonly<Record<string, string>>;
  } = {},
): Promise<PageHarness> {
  const { environment, ...auth } = options;
  const runtime = await startLocalRuntime({
    auth: { mode: 'oidc', ...auth },
    gateway: { staticDir: STATIC_DIR, logger: silentLogger },
    ...(environment === undefined ? {} : { environment }),
  });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await runtime.close();
    throw error;
  }
  // The issuer is http://localhost:<port>/oidc: the page is opened on the same origin.
  const pageUrl = `http://localhost:${runtime.gateway.port}/`;
  const drivers: ChatPageDriver[] = [];
  const token = (user: string, name = user): Promise<string> => {
    if (!runtime.issuer) throw new Error('No local issuer');
    return runtime.issuer.signToken({ user, name });
  };
  const open = async (
    name: string,
    viewport?: ViewportSize,
    watch?: (page: Page) => void,
  ): Promise<ChatPageDriver> => {
    const driver = await ChatPageDriver.open(browser, pageUrl, name, viewport, watch);
    drivers.push(driver);
    return driver;
  };
  return {
    runtime,
    browser,
    pageUrl,
    open,
    async inRoom(name, room) {
      const driver = await open(name);
      await driver.connect();
      await driver.join(room);
      return driver;
    },
    token,
    async history(room) {
      const reader = connect(runtime.gateway.url, {
        auth: { token: await token('reader') },
        reconnection: { enabled: false },
      });
      try {
        await reader.join(room);
        const messages: StoredMessage[] = [];
        let since = 0;
        for (;;) {
          const page = await reader.history(room, { since, limit: 100 });
          messages.push(...page.messages);
          if (page.next === undefined) return messages;
          since = page.next;
        }
      } finally {
        reader.close();
      }
    },
    connectionUrl: (id) =>
      `${runtime.gateway.managementUrl}/@connections/${encodeURIComponent(id)}`,
    async closePages() {
      await Promise.all(drivers.splice(0).map((driver) => driver.close()));
    },
    async close() {
      await browser.close();
      await runtime.close();
    },
  };
}
