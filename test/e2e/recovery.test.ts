import type { StoredMessage } from '../../client/node';
import { signedFetch } from '../support/signed-fetch';
import type { ChatPageDriver, SeqLine } from './chat-page-driver';
import { type PageHarness, startPageHarness } from './page-harness';

/** Messages each of Bob and Cat posts in each phase of the conversation. */
const PHASES = { before: 8, during: 8, racing: 6, after: 8 } as const;
type Phase = keyof typeof PHASES;

/** How long Ann's page may take to show the whole conversation once everything was sent. */
const CATCH_UP_MS = 20_000;

describe('Page: recovery of a durable room across a cut connection', () => {
  let harness: PageHarness;

  beforeAll(async () => {
    // Bursts of both phases around the reconnection may share one window of the per-user
    // message budget (20 frames per 2 s) with the pages' own requests: this test is about
    // recovery, so the budget is out of its way.
    harness = await startPageHarness({ environment: { USER_MESSAGE_LIMIT: '100' } });
  });

  afterEach(async () => {
    await harness?.closePages();
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** The texts `name` posts in `phase`, e.g. `Bob during 3`. */
  const texts = (name: string, phase: Phase): string[] =>
    Array.from({ length: PHASES[phase] }, (_, index) => `${name} ${phase} ${index + 1}`);

  /** Bob and Cat post their texts of `phase` at the same time, each as a burst. */
  const talk = (bob: ChatPageDriver, cat: ChatPageDriver, phase: Phase): Promise<unknown> =>
    Promise.all([bob.sendBurst(texts('Bob', phase)), cat.sendBurst(texts('Cat', phase))]);

  /** `name: text` of a stored message of this page (`{ name, text }`). */
  const shown = (message: StoredMessage): string => {
    const { name, text } = message.data as { name: string; text: string };
    return `${name}: ${text}`;
  };

  const seqsOf = (lines: readonly SeqLine[]): number[] => lines.map((line) => line.seq);

  it('gives Ann the whole conversation once, in seq order, after her connection is cut while Bob and Cat talk', async () => {
    // Prepare
    const room = 'lobby';
    const ann = await harness.inRoom('Ann', room);
    const bob = await harness.inRoom('Bob', room);
    const cat = await harness.inRoom('Cat', room);
    await ann.waitForLine('Cat joined');
    const annId = await ann.connectedId();

    // Act
    await talk(bob, cat, 'before');
    // The cut: Ann's network goes down (the page gives its socket up at once) and the server
    // drops her connection, unless her close frame got out first; it stays down meanwhile.
    await ann.setOffline(true);
    const dropped = await signedFetch(harness.connectionUrl(annId), { method: 'DELETE' });
    await ann.waitForEveryoneLine('reconnecting (attempt 1)');
    const gone = await signedFetch(harness.connectionUrl(annId), { method: 'GET' });
    await talk(bob, cat, 'during'); // acked: stored, and Ann has no connection to get them on
    const attempt = Number(/\d+/.exec((await ann.status.textContent()) ?? '')?.[0]);
    await ann.setOffline(false); // the page tries again at once when the browser is back online
    // Posted while Ann's next attempt connects and re-joins: live, from history, or both.
    await ann.status
      .filter({
        hasText: new RegExp(`^(reconnecting \\(attempt ${attempt + 1}\\)|connected as .+)$`),
      })
      .waitFor();
    await talk(bob, cat, 'racing');
    const newId = await ann.connectedId(annId);
    await ann.waitForLine('back in #lobby');
    await talk(bob, cat, 'after');
    const history = await harness.history(room);
    await ann.waitForReceived(room, history.length, CATCH_UP_MS);

    // Assess: the server has every message once, numbered 1..N
    const sent = (['before', 'during', 'racing', 'after'] as const).flatMap((phase) => [
      ...texts('Bob', phase).map((text) => `Bob: ${text}`),
      ...texts('Cat', phase).map((text) => `Cat: ${text}`),
    ]);
    const all = Array.from({ length: sent.length }, (_, index) => index + 1);
    expect([204, 410]).toContain(dropped.status);
    expect(gone.status).toBe(410);
    expect(newId).not.toBe(annId);
    expect(history.map((message) => message.seq)).toEqual(all);
    expect(history.map(shown).sort()).toEqual([...sent].sort());

    // Assess: Ann shows exactly the server's history, in its order, what was said during the cut recovered
    const annLines = await ann.seqLines(room);
    expect(annLines.every((line) => !line.mine)).toBe(true);
    expect(seqsOf(annLines)).toEqual(all);
    expect(annLines.map((line) => line.line)).toEqual(history.map(shown));
    const during = annLines.filter((line) => / during /.test(line.line));
    expect(during).toHaveLength(2 * PHASES.during);
    expect(during.every((line) => line.recovered)).toBe(true);
    const storedAt = (line: SeqLine): string =>
      new Date((history[line.seq - 1] as StoredMessage).at).toISOString();
    expect(during.map((line) => line.sentAt)).toEqual(during.map(storedAt)); // sent, not recovered, time
    expect(await ann.countLines(/could not be recovered/)).toBe(0);

    // Assess: Bob and Cat each saw every message once: the other's in seq order, their own as acked
    for (const driver of [bob, cat]) {
      const lines = await driver.seqLines(room);
      const received = lines.filter((line) => !line.mine);
      expect(seqsOf(received)).toEqual([...seqsOf(received)].sort((a, b) => a - b));
      expect(seqsOf(lines).sort((a, b) => a - b)).toEqual(all);
      for (const line of lines)
        expect(line.line).toBe(shown(history[line.seq - 1] as StoredMessage));
    }
  });
});
