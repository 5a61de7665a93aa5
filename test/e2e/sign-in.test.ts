import type { Page } from 'playwright-core';
import { TOKENS_KEY } from '../../web/auth/auth-session';
import { signedFetch } from '../support/signed-fetch';
import type { ChatPageDriver } from './chat-page-driver';
import { type PageHarness, startPageHarness } from './page-harness';

/** Access tokens live 63 s: the page refreshes them 60 s before expiry, so after about 3 s. */
const ACCESS_TOKEN_TTL_SECONDS = 63;

/** The tokens the page keeps in its tab's sessionStorage. */
async function storedTokens(page: Page): Promise<{ accessToken?: string; refreshToken?: string }> {
  return page.evaluate((key) => JSON.parse(sessionStorage.getItem(key) ?? '{}'), TOKENS_KEY);
}

describe('Page: signing in through the local OIDC issuer (authorization code + PKCE)', () => {
  let harness: PageHarness;
  /** Every URL each page navigated to, and everything it logged. */
  const urls: string[] = [];
  const socketUrls: string[] = [];
  const logs: string[] = [];

  const open = (name: string): Promise<ChatPageDriver> => harness.open(name);

  beforeAll(async () => {
    harness = await startPageHarness({ accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS });
  });

  beforeEach(() => {
    urls.length = 0;
    socketUrls.length = 0;
    logs.length = 0;
  });

  afterEach(async () => {
    await harness?.closePages();
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** Opens a page that records its navigations and console from before it signs in. */
  const openWatched = (name: string): Promise<ChatPageDriver> =>
    harness.open(name, undefined, (page) => {
      page.on('framenavigated', (frame) => urls.push(frame.url()));
      page.on('websocket', (socket) => {
        urls.push(socket.url());
        socketUrls.push(socket.url());
      });
      page.on('console', (message) => logs.push(message.text()));
    });

  it('signs two users in with their names, and they chat', async () => {
    // Prepare
    const ann = await openWatched('Ann');
    const bob = await openWatched('Bob');

    // Act
    await ann.connect();
    await bob.connect();
    await ann.join('lobby');
    await bob.join('lobby');
    await ann.send('hello Bob');
    await bob.waitForLine('Ann: hello Bob');
    await bob.send('hi Ann');
    await ann.waitForLine('Bob: hi Ann');
    const annTokens = await storedTokens(ann.page);

    // Assess: the name is the token's, shown and not editable; the server stamps the same user.
    await expect(ann.page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Ann');
    expect(await ann.page.getByLabel('Name', { exact: true }).isEditable()).toBe(false);
    await ann.members.filter({ hasText: 'Bob' }).waitFor();
    // The code and state are gone from the address bar, and no token was ever in a URL or a log.
    expect(ann.page.url()).toBe(harness.pageUrl);
    expect(annTokens.accessToken).toEqual(expect.any(String));
    expect(urls.some((url) => url.includes('/oidc/interaction/'))).toBe(true);
    // The socket's URL too: the token travels as the subprotocol token.<jwt>.
    expect(socketUrls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(url).not.toContain(annTokens.accessToken);
      expect(url).not.toMatch(/[?&](token|access_token|id_token)=/);
    }
    for (const line of logs) expect(line).not.toContain(annTokens.accessToken);
  });

  it('refreshes the access token before it expires, and reconnects with the fresh one', async () => {
    // Prepare
    const ann = await open('Ann');
    const firstId = await ann.connect();
    const first = await storedTokens(ann.page);

    // Act: the refresh is due ACCESS_TOKEN_TTL_SECONDS - 60 s after sign-in.
    await ann.page.waitForFunction(
      ([key, token]: string[]) =>
        JSON.parse(sessionStorage.getItem(key ?? '') ?? '{}').accessToken !== token,
      [TOKENS_KEY, first.accessToken ?? ''],
      { timeout: 15_000 },
    );
    const renewed = await storedTokens(ann.page);
    const dropped = await signedFetch(harness.connectionUrl(firstId), { method: 'DELETE' });
    const secondId = await ann.connectedId(firstId);

    // Assess
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(renewed.refreshToken).not.toBe(first.refreshToken); // rotated
    expect(dropped.status).toBe(204);
    expect(secondId).not.toBe(firstId);
  });

  it('signs out: tokens gone, the issuer session ended, the next sign-in asks for a name again', async () => {
    // Prepare
    const ann = await open('Ann');

    // Act
    await ann.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await ann.page.getByRole('heading', { name: 'Sign out', exact: true }).waitFor();
    await ann.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await ann.page.getByText('Not signed in', { exact: true }).waitFor();
    const tokens = await storedTokens(ann.page);
    await ann.page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // Assess
    await ann.page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(tokens).toEqual({});
  });
});
