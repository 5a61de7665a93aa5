import path from 'node:path';
import type { Browser } from 'playwright-core';
import { silentLogger } from '../../local/gateway';
import { devToken } from '../../local/local-auth';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { ChatPageDriver } from './chat-page-driver';
import { launchChromium } from './chromium';

/** Where web/build.ts puts the page (built by global-setup.ts). */
const STATIC_DIR = path.resolve(__dirname, '../../dist/web');

/** Secret mode: the page gets its tokens from the runtime's /dev-token endpoint. */
const SECRET = 'e2e-secret-e2e-secret-e2e-secret-00001';

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
  /** Opens the page for a new user (a browser context of its own); closed by `closePages`. */
  open(name: string): Promise<ChatPageDriver>;
  /** Opens, connects to `/` and joins `room`. */
  inRoom(name: string, room: string): Promise<ChatPageDriver>;
  /** A token for a Node client (`client/node.ts`) of user `user`. */
  token(user: string): Promise<string>;
  /** The `@connections/{id}` URL of the emulator's management API. */
  connectionUrl(connectionId: string): string;
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export async function startPageHarness(): Promise<PageHarness> {
  const runtime = await startLocalRuntime({
    auth: { mode: 'secret', secret: SECRET },
    gateway: { staticDir: STATIC_DIR, logger: silentLogger },
  });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const pageUrl = `http://127.0.0.1:${runtime.gateway.port}/`;
  const drivers: ChatPageDriver[] = [];
  const open = async (name: string): Promise<ChatPageDriver> => {
    const driver = await ChatPageDriver.open(browser, pageUrl, name);
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
    token: (user) => devToken(SECRET, user, user),
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
