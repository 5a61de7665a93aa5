import { stat } from 'node:fs/promises';
import path from 'node:path';
import { signedFetch } from '../support/signed-fetch';
import type { ChatPageDriver, MemberRow } from './chat-page-driver';
import { type PageHarness, startPageHarness } from './page-harness';

/** The picture of the page in the docs, written by the last test. */
const SCREENSHOT = path.resolve(__dirname, '../../docs/chat-page.png');
const SCREENSHOT_TIME = new Date('2026-05-04T09:30:00');

describe('Page: the chat in a browser, served by the local runtime', () => {
  let harness: PageHarness;
  let runtime: PageHarness['runtime'];

  /** Opens, connects to `/` and joins `room`. */
  const inRoom = (name: string, room: string): Promise<ChatPageDriver> =>
    harness.inRoom(name, room);

  beforeAll(async () => {
    harness = await startPageHarness();
    runtime = harness.runtime;
  });

  afterEach(async () => {
    await harness?.closePages();
  });

  afterAll(async () => {
    await harness?.close();
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
    const dropped = await signedFetch(url, { method: 'DELETE' });
    await ann.waitForEveryoneLine('reconnecting (attempt 1)');
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

  it('lists a user with two tabs once, and announces it when its first tab joins and its last leaves', async () => {
    // Prepare
    const room = 'presence';
    const ann = await inRoom('Ann', room);
    const bob = await inRoom('Bob', room);
    await ann.waitForLine('Bob joined');
    const bobTab = await bob.openTab();
    const bobMember = (rows: MemberRow[]): MemberRow[] => rows.filter((row) => row.user === 'Bob');

    // Act: a second tab of Bob joins
    await bobTab.connect();
    await bobTab.join(room);
    const withTwoTabs = await ann.refreshMembersUntil(
      (rows) => bobMember(rows)[0]?.connections === 2,
    );

    // Assess
    expect(bobMember(withTwoTabs)).toEqual([
      { user: 'Bob', connections: 2, text: expect.stringContaining('2 connections') },
    ]);
    expect(withTwoTabs.map((row) => row.user).sort()).toEqual(['Ann', 'Bob']);
    expect(await ann.countLines('Bob joined')).toBe(1);

    // Act: one of Bob's tabs closes
    await bobTab.closeTab();
    const withOneTab = await ann.refreshMembersUntil(
      (rows) => bobMember(rows)[0]?.connections === 1,
    );

    // Assess: still listed, no leave announced
    expect(bobMember(withOneTab)).toEqual([{ user: 'Bob', connections: 1, text: 'Bob' }]);
    expect(await ann.countLines('Bob left')).toBe(0);

    // Act: Bob's last tab closes
    await bob.close();

    // Assess: announced once, and gone from the list without a refresh
    await ann.waitForLine('Bob left (disconnected)');
    await ann.members.filter({ hasText: 'Bob' }).waitFor({ state: 'detached' });
    expect((await ann.memberRows()).map((row) => row.user)).toEqual(['Ann']);
    expect(await ann.countLines('Bob left')).toBe(1);
    expect(await ann.countLines('Bob joined')).toBe(1);
  });

  it('regenerates docs/chat-page.png: a room conversation, a DM and an unread broadcast, names only', async () => {
    // Prepare: a fixed clock, so the picture changes only when the page does
    const room = 'design-review';
    const [ann, bob] = await Promise.all([harness.open('Ann'), harness.open('Bob')]);
    for (const driver of [ann, bob]) await driver.page.clock.setFixedTime(SCREENSHOT_TIME);
    const ids = [await ann.connect(), await bob.connect()];
    await ann.join(room);
    await bob.join(room);
    await ann.send('Morning! Anyone up for a review?');
    await bob.send('Sure, send me the link.');
    await ann.waitForLine('Bob: Sure, send me the link.');

    // Act
    await ann.openDirect('Bob');
    await ann.typeAndEnter('Here it is: PR #42');
    await ann.waitForSent('Here it is: PR #42');
    await ann.openConversation(`#${room}`);
    await bob.openConversation('@Ann');
    await bob.waitForLine('Ann: Here it is: PR #42');
    await bob.send('Thanks, reading it now.');
    await bob.openConversation('Everyone');
    await bob.send('Lunch at noon, everyone?');
    await bob.openConversation(`#${room}`);
    await bob.send('Looks good to me: approved.');
    await ann.waitForLine('Bob: Looks good to me: approved.');
    await ann.conversation('Everyone').filter({ hasText: '1' }).waitFor();
    await ann.conversation('@Bob').filter({ hasText: '1' }).waitFor();
    await ann.page.screenshot({ path: SCREENSHOT });

    // Assess
    await expect(ann.status.textContent()).resolves.toBe('connected as Ann');
    const text = await ann.page.locator('body').textContent();
    for (const id of ids) expect(text).not.toContain(id);
    expect((await stat(SCREENSHOT)).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  });
});
