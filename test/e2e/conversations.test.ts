import { connect } from '../../client/node';
import { RECENT_MESSAGES as SHOWN } from '../../web/chat-page';
import { signedFetch } from '../support/signed-fetch';
import type { ChatPageDriver } from './chat-page-driver';
import { type PageHarness, startPageHarness } from './page-harness';

/** Messages stored in a room before Ann joins it: more than the page shows on joining. */
const STORED = 94;

describe('Page: conversations as chat users expect them', () => {
  let harness: PageHarness;

  beforeAll(async () => {
    harness = await startPageHarness();
  });

  afterEach(async () => {
    await harness?.closePages();
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** `count` messages posted to `room` by Node clients of Zoe, Yan and Xiu (under the rate limit). */
  const storeMessages = async (room: string, count: number): Promise<void> => {
    const posters = await Promise.all(
      ['Zoe', 'Yan', 'Xiu'].map(async (name) => {
        const socket = connect(harness.runtime.gateway.url, {
          auth: { token: await harness.token(name.toLowerCase(), name) },
          reconnection: { enabled: false },
        });
        await socket.join(room);
        return { name, socket };
      }),
    );
    try {
      await Promise.all(
        posters.map(async ({ name, socket }, index) => {
          for (let n = index + 1; n <= count; n += posters.length) {
            await socket.emitWithAck('chat', { room, message: { name, text: `old ${n}` } });
            // Each poster stays under the per-user budget of 20 frames per 2 s on a fast machine.
            await new Promise((resolve) => setTimeout(resolve, 120));
          }
        }),
      );
    } finally {
      for (const { socket } of posters) socket.close();
    }
  };

  /** The whole text of every conversation's log of a page, shown or not. */
  const allLogs = (driver: ChatPageDriver): Promise<string> =>
    driver.page
      .locator('[role="log"]')
      .evaluateAll((logs) => logs.map((log) => log.textContent).join('\n'));

  it('keeps one conversation per room, each with its own log, and counts the unread ones', async () => {
    // Prepare
    const ann = await harness.inRoom('Ann', 'lobby');
    await ann.join('dev'); // #dev is shown
    const bob = await harness.inRoom('Bob', 'lobby');
    const cat = await harness.inRoom('Cat', 'dev');

    // Act
    await bob.send('lobby one');
    await bob.send('lobby two');
    await cat.send('dev one');
    await ann.waitForLine('Cat: dev one');
    await ann.conversation('#lobby').filter({ hasText: '2' }).waitFor();

    // Assess: #lobby counts what Ann has not seen; #dev, shown, shows only its own
    expect(await ann.conversationList()).toEqual([
      { title: 'Everyone', unread: 0, shown: false },
      { title: '#lobby', unread: 2, shown: false },
      { title: '#dev', unread: 0, shown: true },
    ]);
    await expect(ann.conversation('#lobby').getAttribute('aria-label')).resolves.toBe(
      '#lobby (2 unread)',
    );
    expect(await ann.logText()).not.toContain('lobby one');

    // Act: Ann opens #lobby
    await ann.openConversation('#lobby');

    // Assess: read, and it holds the room's messages only
    await ann.waitForLine('Bob: lobby two');
    expect(await ann.countLines(/Bob: lobby (one|two)/)).toBe(2);
    expect(await ann.logText()).not.toContain('dev one');
    expect((await ann.conversationList()).map(({ unread }) => unread)).toEqual([0, 0, 0]);
  });

  it('sends a DM only from the DM view: DM with an empty box, type, Enter reaches the partner and no room', async () => {
    // Prepare
    const ann = await harness.inRoom('Ann', 'lobby');
    const bob = await harness.inRoom('Bob', 'lobby');
    const cat = await harness.inRoom('Cat', 'lobby');
    await bob.send('hi all'); // Ann's page learns where Bob is
    await ann.waitForLine('Bob: hi all');

    // Act: the DM button with an empty Message box opens the DM view and sends nothing
    await ann.openDirect('Bob');
    const afterClick = await allLogs(bob);
    await ann.typeAndEnter('psst, just you');
    await ann.waitForSent('psst, just you');
    await bob.conversation('@Ann').filter({ hasText: '1' }).waitFor();
    await bob.openConversation('@Ann');
    await bob.waitForLine('Ann: psst, just you');
    await bob.typeAndEnter('got it');
    await bob.waitForSent('got it');
    await ann.waitForLine('Bob: got it');
    await ann.openConversation('#lobby');
    await ann.send('back in the room'); // Cat receives it after anything Ann sent before
    await cat.waitForLine('Ann: back in the room');

    // Assess
    expect(afterClick).not.toContain('psst');
    for (const driver of [ann, bob, cat]) {
      await driver.openConversation('#lobby');
      expect(await driver.logText()).not.toMatch(/psst|got it/);
    }
    expect(await allLogs(cat)).not.toMatch(/psst|got it/);
    expect((await ann.conversationList()).map(({ title }) => title)).toEqual([
      'Everyone',
      '#lobby',
      '@Bob',
    ]);
  });

  it(`shows the latest ${SHOWN} of a room's ${STORED} stored messages on joining, in seq order with the time they were sent`, async () => {
    // Prepare
    const room = 'archive';
    await storeMessages(room, STORED);
    const history = await harness.history(room);
    const ann = await harness.open('Ann');
    await ann.connect();

    // Act
    await ann.join(room);
    await ann.waitForLine(`joined #${room}`);

    // Assess
    expect(history).toHaveLength(STORED);
    const latest = history.slice(-SHOWN);
    const lines = await ann.seqLines(room);
    expect(lines.map((line) => line.seq)).toEqual(latest.map((message) => message.seq));
    expect(lines.map((line) => line.line)).toEqual(
      latest.map((message) => {
        const { text } = message.data as { text: string };
        return `${message.user?.name}: ${text}`;
      }),
    );
    expect(lines.map((line) => line.sentAt)).toEqual(
      latest.map((message) => new Date(message.at).toISOString()),
    );
  });

  it('shows a message sent while offline as pending at once, and as delivered once the page is back', async () => {
    // Prepare
    const ann = await harness.inRoom('Ann', 'lobby');
    const bob = await harness.inRoom('Bob', 'lobby');
    const annId = await ann.connectedId();
    await ann.setOffline(true);
    await signedFetch(harness.connectionUrl(annId), { method: 'DELETE' });
    await ann.status.filter({ hasText: /^reconnecting/ }).waitFor();

    // Act
    await ann.typeAndEnter('written offline');
    const pending = ann.ownLine('written offline');
    await pending.waitFor();
    const whilePending = {
      classes: await pending.getAttribute('class'),
      note: await pending.locator('.note').textContent(),
      seq: await pending.getAttribute('data-seq'),
    };
    const bobBefore = await bob.logText();
    await ann.setOffline(false);
    await ann.waitForSent('written offline');
    await bob.waitForLine('Ann: written offline');

    // Assess
    expect(whilePending).toEqual({
      classes: expect.stringContaining('pending'),
      note: 'waiting for the connection…',
      seq: null,
    });
    expect(bobBefore).not.toContain('written offline');
    const delivered = ann.ownLine('written offline');
    await expect(delivered.getAttribute('class')).resolves.not.toContain('pending');
    await expect(delivered.locator('.note').textContent()).resolves.toBe('(1 recipient)');
    await expect(delivered.getAttribute('data-seq')).resolves.toMatch(/^\d+$/);
    expect(await ann.countLines('written offline')).toBe(1);
  });

  it('shows names, never connection ids: in the status, the member list and the log; ids on hover', async () => {
    // Prepare
    const ann = await harness.inRoom('Ann', 'lobby');
    const bob = await harness.inRoom('Bob', 'lobby');
    const [annId, bobId] = [await ann.connectedId(), await bob.connectedId()];

    // Act
    await bob.send('who am I?');
    await ann.waitForLine('Bob: who am I?');
    await ann.refreshMembersUntil((rows) => rows.length === 2);

    // Assess
    await expect(ann.status.textContent()).resolves.toBe('connected as Ann');
    await expect(ann.status.getAttribute('title')).resolves.toBe(`connection ${annId}`);
    expect(await ann.memberRows()).toEqual([
      { user: 'Ann', connections: 1, text: 'Ann (you)' },
      { user: 'Bob', connections: 1, text: 'BobDM' },
    ]);
    const bobName = ann.log.locator('li').filter({ hasText: 'who am I?' }).locator('.name');
    await expect(bobName.getAttribute('title')).resolves.toBe(`user Bob · connection ${bobId}`);
    const text = await ann.page.locator('body').textContent();
    expect(text).not.toContain(annId);
    expect(text).not.toContain(bobId);
  });

  it('keeps the name across reloads', async () => {
    // Prepare
    const ann = await harness.open('Ann Lee');
    await ann.connect();

    // Act
    await ann.page.reload();
    await ann.ready();

    // Assess
    const name = ann.page.getByLabel('Name', { exact: true });
    await expect(name.inputValue()).resolves.toBe('Ann Lee');
    const stranger = await harness.open('');
    await stranger.ready();
    await stranger.ready();
    await expect(stranger.page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('');
  });

  it('is usable at 390 px wide: the log and the composer above the fold, nothing wider than the screen', async () => {
    // Prepare
    const viewport = { width: 390, height: 844 };
    const ann = await harness.open('Ann', viewport);
    const bob = await harness.inRoom('Bob', 'lobby');

    // Act
    await ann.connect();
    await ann.join('lobby');
    await bob.send('can you read this on your phone?');
    await ann.waitForLine('Bob: can you read this on your phone?');
    await ann.send('yes, all of it');

    // Assess
    const log = await ann.log.boundingBox();
    const composer = await ann.page
      .getByRole('button', { name: 'Send', exact: true })
      .boundingBox();
    const width = await ann.page.evaluate(() => document.documentElement.scrollWidth);
    const scrolled = await ann.page.evaluate(() => window.scrollY);
    expect(scrolled).toBe(0);
    expect(log).not.toBeNull();
    expect(log?.y).toBeLessThan(viewport.height / 2);
    expect((log?.y ?? 0) + (log?.height ?? 0)).toBeLessThanOrEqual(viewport.height);
    expect(log?.height).toBeGreaterThanOrEqual(200);
    expect((composer?.y ?? Infinity) + (composer?.height ?? 0)).toBeLessThanOrEqual(
      viewport.height,
    );
    expect(width).toBeLessThanOrEqual(viewport.width);
  });
});
