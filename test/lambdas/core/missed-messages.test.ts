import { InMemoryMessageLog } from '../../../lambdas/core/in-memory-message-log';
import { missedMessages, positionsOf } from '../../../lambdas/core/missed-messages';
import { parseRecoveryOffset, recoveryOffset } from '../../../lambdas/core/recovery-offset';
import type { StoredMessage } from '../../../lambdas/core/types';

const T0 = 1_796_000_000_000;
const EXPIRES = Math.floor(T0 / 1000) + 86_400;

describe('missedMessages', () => {
  let log: InMemoryMessageLog;
  beforeEach(() => {
    log = new InMemoryMessageLog({ now: () => T0 });
  });

  /** Appends `text` to `room` as stored at `at` (and to more rooms under one id). */
  const append = async (rooms: string[], text: string, at: number): Promise<StoredMessage[]> =>
    Promise.all(
      rooms.map((room) =>
        log.append(
          '/',
          room,
          { event: 'chat', data: text, at, ...(rooms.length > 1 ? { id: text } : {}) },
          EXPIRES,
        ),
      ),
    );
  const offsetOf = (room: string, message: StoredMessage) =>
    parseRecoveryOffset(recoveryOffset({ room, seq: message.seq, at: message.at }));
  const query = (rooms: string[], offset: ReturnType<typeof offsetOf>, change = {}) => ({
    ns: '/',
    rooms,
    ...positionsOf(offset as NonNullable<typeof offset>, rooms),
    maxLength: 1_000,
    maxMessages: 500,
    ...change,
  });
  const texts = (missed: Awaited<ReturnType<typeof missedMessages>>) =>
    missed?.messages.map(({ room, message }) => `${room}:${message.data}`);

  it("replays the offset's room after its seq, exactly, even when store times are out of seq order", async () => {
    // Prepare: seq 3 was stored a millisecond before seq 2 (two senders at once).
    const [first] = await append(['lobby'], 'one', T0);
    await append(['lobby'], 'two', T0 + 5);
    await append(['lobby'], 'three', T0 + 4);

    // Act
    const missed = await missedMessages(
      log,
      query(['lobby'], offsetOf('lobby', first as StoredMessage)),
    );

    // Assess
    expect(texts(missed)).toEqual(['lobby:two', 'lobby:three']);
  });

  it('replays the other rooms by store time, merged in time order, each room in seq order', async () => {
    // Prepare
    await append(['music'], 'old music', T0 - 10);
    const [last] = await append(['lobby'], 'seen', T0);
    await append(['music'], 'music 1', T0 + 1);
    await append(['lobby'], 'lobby 1', T0 + 2);
    await append(['music'], 'music 2', T0 + 3);

    // Act
    const missed = await missedMessages(
      log,
      query(['lobby', 'music'], offsetOf('lobby', last as StoredMessage)),
    );

    // Assess
    expect(texts(missed)).toEqual(['music:music 1', 'lobby:lobby 1', 'music:music 2']);
  });

  it('replays a message stored in several of the rooms once', async () => {
    // Prepare
    const [last] = await append(['lobby'], 'seen', T0);
    await append(['lobby', 'music'], 'to both', T0 + 1);

    // Act
    const missed = await missedMessages(
      log,
      query(['lobby', 'music'], offsetOf('lobby', last as StoredMessage)),
    );

    // Assess
    expect(texts(missed)).toEqual(['lobby:to both']);
  });

  it('reads back page by page through a busy room, and nothing from a quiet one', async () => {
    // Prepare: 250 messages in music after the offset, 1 before.
    const [last] = await append(['lobby'], 'seen', T0);
    await append(['music'], 'before', T0 - 1);
    for (let i = 1; i <= 250; i++) await append(['music'], `m${i}`, T0 + i);
    await append(['quiet'], 'long ago', T0 - 60_000);

    // Act
    const missed = await missedMessages(
      log,
      query(['lobby', 'music', 'quiet'], offsetOf('lobby', last as StoredMessage)),
    );

    // Assess
    expect(missed?.messages.length).toBe(250);
    expect(missed?.messages[0]?.message.data).toBe('m1');
    expect(missed?.messages[249]?.message.data).toBe('m250');
    expect(missed?.positions).toEqual(
      new Map([
        ['lobby', 1],
        ['music', 251],
        ['quiet', 1],
      ]),
    );
  });

  it('cannot recover when more than maxMessages were missed', async () => {
    // Prepare
    const [last] = await append(['lobby'], 'seen', T0);
    for (let i = 1; i <= 11; i++) await append(['lobby'], `m${i}`, T0 + i);

    // Act
    const missed = await missedMessages(
      log,
      query(['lobby'], offsetOf('lobby', last as StoredMessage), { maxMessages: 10 }),
    );

    // Assess
    expect(missed).toBeUndefined();
  });

  it('cannot recover when missed messages are no longer readable (past maxLength)', async () => {
    // Prepare
    const [last] = await append(['lobby'], 'seen', T0);
    for (let i = 1; i <= 6; i++) await append(['lobby'], `m${i}`, T0 + i);

    // Act
    const exact = await missedMessages(
      log,
      query(['lobby'], offsetOf('lobby', last as StoredMessage), { maxLength: 5 }),
    );
    const byTime = await missedMessages(
      log,
      query(['lobby'], offsetOf('music', last as StoredMessage), { maxLength: 5 }),
    );

    // Assess
    expect(exact).toBeUndefined();
    expect(byTime).toBeUndefined();
  });

  it('reads on from known positions: the last seq read in each room, where a second read starts', async () => {
    // Prepare
    const [last] = await append(['lobby'], 'seen', T0);
    await append(['music'], 'music 1', T0 + 1);
    const first = await missedMessages(
      log,
      query(['lobby', 'music'], offsetOf('lobby', last as StoredMessage)),
    );
    await append(['lobby'], 'lobby 1', T0 + 2);
    await append(['music'], 'music 2', T0 + 3);

    // Act
    const second = await missedMessages(log, {
      ns: '/',
      rooms: ['lobby', 'music'],
      afterSeq: first?.positions ?? new Map(),
      afterTime: Number.POSITIVE_INFINITY,
      maxLength: 1_000,
      maxMessages: 500,
    });

    // Assess
    expect(texts(first)).toEqual(['music:music 1']);
    expect(first?.positions).toEqual(
      new Map([
        ['lobby', 1],
        ['music', 1],
      ]),
    );
    expect(texts(second)).toEqual(['lobby:lobby 1', 'music:music 2']);
    expect(second?.positions).toEqual(
      new Map([
        ['lobby', 2],
        ['music', 2],
      ]),
    );
  });
});
