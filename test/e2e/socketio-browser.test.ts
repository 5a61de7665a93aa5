import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { type PageHarness, startPageHarness } from './page-harness';

/** socket.io-client's own browser bundle, as a page would load it from a CDN. */
const BROWSER_BUNDLE = path.join(
  path.dirname(createRequire(__filename).resolve('socket.io-client/package.json')),
  'dist',
  'socket.io.min.js',
);

/**
 * socket.io-client's browser bundle in Chromium against the local runtime as `npm start` runs
 * it (the local OIDC issuer signs the token): a page connects to `/chat` with only the options
 * API Gateway needs, joins a room with an ack, and hears a Node socket.io-client join it.
 */
describe('socket.io-client in Chromium', () => {
  let harness: PageHarness;
  let page: Page;

  beforeAll(async () => {
    harness = await startPageHarness();
  });

  afterAll(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    page = await (await harness.browser.newContext()).newPage();
    // A document of the page's origin without scripts of its own.
    await page.goto(`${harness.pageUrl}config.json`);
    await page.addScriptTag({ path: BROWSER_BUNDLE });
  });

  afterEach(async () => {
    await page.context().close();
  });

  it('connects /chat from the browser, joins with an ack, and hears a Node client join', async () => {
    // Prepare
    const token = await harness.token('ann', 'Ann');
    const stagePath = new URL(harness.runtime.gateway.url).pathname;

    // Act: in the page, the browser bundle's global io().
    const joined = await page.evaluate(
      async ({ token, stagePath }) => {
        const w = window as unknown as {
          io: (
            url: string,
            options: object,
          ) => {
            id?: string;
            on(event: string, listener: (...args: unknown[]) => void): void;
            emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
          };
          heard: unknown[];
        };
        w.heard = [];
        const socket = w.io(`${location.origin}/chat`, {
          path: stagePath,
          addTrailingSlash: false,
          transports: ['websocket'],
          protocols: ['apigw-chat', `token.${token}`],
        });
        socket.on('hello', (greeting) => w.heard.push(greeting));
        await new Promise<void>((done, fail) => {
          socket.on('connect', () => done());
          socket.on('connect_error', (error) => fail(error));
        });
        return {
          id: socket.id,
          answer: await socket.emitWithAck('join-room', { type: 'room:dev' }),
        };
      },
      { token, stagePath },
    );
    const node = io(`${new URL(harness.runtime.gateway.url).origin.replace('ws', 'http')}/chat`, {
      path: stagePath,
      addTrailingSlash: false,
      transports: ['websocket'],
      protocols: ['apigw-chat', `token.${await harness.token('bob', 'Bob')}`],
    });
    try {
      await new Promise<void>((done) => node.on('connect', () => done()));
      expect(await node.emitWithAck('join-room', { type: 'room:dev' })).toBe('success');
      await page.waitForFunction(
        () =>
          (window as unknown as { heard: unknown[] }).heard.includes('Bob has joined chat room.'),
        undefined,
        { timeout: 10_000 },
      );
    } finally {
      node.close();
    }

    // Assess
    expect(joined.id).toMatch(/^[A-Za-z0-9+/_-]{15}=$/);
    expect(joined.answer).toBe('success');
    expect(await page.evaluate(() => (window as unknown as { heard: unknown[] }).heard)).toEqual([
      'Ann has joined chat room.',
      'Bob has joined chat room.',
    ]);
  });
});
