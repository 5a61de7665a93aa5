import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { buildClient } from '../../client/build';
import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { buildWeb } from '../../web/build';
import { ChatPageDriver } from './chat-page-driver';
import { launchChromium } from './chromium';

const SCREENSHOT = path.resolve(__dirname, '../../test-results/chat.png');

describe('Page: the chat in a browser, served by the local runtime', () => {
  let runtime: LocalRuntime;
  let browser: Browser;
  let pageUrl: string;
  const drivers: ChatPageDriver[] = [];

  /** Opens the page for a new user; closed after the test. */
  const open = async (name: string): Promise<ChatPageDriver> => {
    const driver = await ChatPageDriver.open(browser, pageUrl, name);
    drivers.push(driver);
    return driver;
  };

  /** Opens, connects to `/` and joins `room`. */
  const inRoom = async (name: string, room: string): Promise<ChatPageDriver> => {
    const driver = await open(name);
    await driver.connect();
    await driver.join(room);
    return driver;
  };

  beforeAll(async () => {
    await buildClient();
    const staticDir = await buildWeb({ logLevel: 'silent' });
    runtime = await startLocalRuntime({
      // Secret mode: the page gets its tokens from the runtime's /dev-token endpoint.
      auth: { mode: 'secret', secret: 'e2e-secret-e2e-secret-e2e-secret-00001' },
      gateway: { staticDir, logger: silentLogger },
    });
    pageUrl = `http://127.0.0.1:${runtime.gateway.port}/`;
    browser = await launchChromium();
  });

  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((driver) => driver.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('delivers room messages both ways between members, and not to other rooms', async () => {
    // Prepare
    const ann = await inRoom('Ann', 'lobby');
    const bob = await inRoom('Bob', 'lobby');
    const cat = await inRoom('Cat', 'other');

    // Act
    await ann.send('hello Bob');
    await bob.send('hi Ann, how are you?');
    await cat.send('anyone in here?'); // acked after the others' messages were fanned out

    // Assess
    await bob.waitForLine('Ann: hello Bob');
    await ann.waitForLine('Bob: hi Ann, how are you?');
    const catLog = await cat.logText();
    expect(catLog).not.toContain('hello Bob');
    expect(catLog).not.toContain('how are you');
    expect(await ann.logText()).not.toContain('anyone in here?');
  });

  it('reconnects after the server drops the connection, re-joins and keeps chatting', async () => {
    // Prepare
    const ann = await inRoom('Ann', 'lobby');
    const bob = await inRoom('Bob', 'lobby');
    const oldId = await ann.connectedId();
    const url = `${runtime.gateway.managementUrl}/@connections/${encodeURIComponent(oldId)}`;

    // Act
    const dropped = await fetch(url, { method: 'DELETE' });
    await ann.waitForLine('reconnecting (attempt 1)');
    const newId = await ann.connectedId(oldId);
    await ann.waitForLine('back in #lobby');
    await bob.send('are you back?');
    await ann.send('yes, back again');

    // Assess
    expect(dropped.status).toBe(204);
    expect(newId).not.toBe(oldId);
    expect(runtime.gateway.connectionIds()).toContain(newId);
    expect(runtime.gateway.connectionIds()).not.toContain(oldId);
    await ann.waitForLine('Bob: are you back?');
    await bob.waitForLine('Ann: yes, back again');
  });

  it('shows user text as text, never as HTML', async () => {
    // Prepare
    const payload = '<img src=x onerror="window.__pwned=1">';
    const ann = await inRoom('<b>Ann</b>', 'lobby');
    const bob = await inRoom('Bob', 'lobby');

    // Act
    await ann.send(payload);

    // Assess
    await bob.waitForLine(`<b>Ann</b>: ${payload}`);
    for (const driver of [ann, bob]) {
      expect(await driver.log.locator('img, b').count()).toBe(0);
      expect(
        await driver.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned),
      ).toBeUndefined();
    }
  });

  it('writes a screenshot of a conversation to test-results/chat.png', async () => {
    // Prepare
    const ann = await inRoom('Ann', 'lobby');
    const bob = await inRoom('Bob', 'lobby');
    await ann.send('Morning! Anyone up for a review?');
    await bob.send('Sure, send me the link.');
    await ann.waitForLine('Bob: Sure, send me the link.');

    // Act
    await ann.page.getByLabel('Message', { exact: true }).fill('Here it is: PR #42');
    await ann.page.getByRole('button', { name: 'Direct message to Bob', exact: true }).click();
    await bob.waitForLine('Ann: Here it is: PR #42');
    await bob.page.getByLabel('Message', { exact: true }).fill('Lunch at noon, everyone?');
    await bob.page.getByRole('button', { name: 'Broadcast', exact: true }).click();
    await ann.waitForLine('Bob: Lunch at noon, everyone?');
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await ann.page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Assess
    await expect(ann.page.getByRole('status').textContent()).resolves.toMatch(/^connected as /);
  });
});
