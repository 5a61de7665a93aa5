import { silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { issuerToken } from '../support/local-issuer-tokens';
import { type Frame, ProtocolClient } from '../support/protocol-client';

jest.setTimeout(60_000);

/**
 * Long windows, so that no test straddles one: 20 frames and 100 recipients per user per
 * 10 minutes (each frame reserves 100 / 20 = 5 recipients).
 */
const WINDOW_SECONDS = 600;
const DELIVERY_LIMIT = 100;

/** Waits for the next window when this one ends within `margin` seconds. */
async function awayFromWindowEnd(margin = 30): Promise<void> {
  const left = WINDOW_SECONDS - ((Date.now() / 1000) % WINDOW_SECONDS);
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 100));
}

const refusedStatus = (opening: Promise<ProtocolClient>) =>
  opening.then(
    () => 'open',
    (error: { status?: number }) => error.status,
  );

describe('Local runtime: per-user limits across Lambda containers', () => {
  let runtime: LocalRuntime;
  const clients: ProtocolClient[] = [];
  let users = 0;

  const newUser = () => {
    users += 1;
    return { user: `limits-${users}`, name: `Limits ${users}` };
  };
  const open = async (who: { user: string; name: string }, ns = '/'): Promise<ProtocolClient> => {
    const token = await issuerToken(runtime, who);
    const client = await ProtocolClient.open(`${runtime.gateway.url}?ns=${ns}`, { token: token });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'oidc' },
      gateway: { logger: silentLogger },
      // Two containers per function: the limits must hold whichever one runs a frame.
      maxContainers: 2,
      environment: {
        USER_MESSAGE_WINDOW_SECONDS: String(WINDOW_SECONDS),
        USER_DELIVERY_WINDOW_SECONDS: String(WINDOW_SECONDS),
        USER_DELIVERY_LIMIT: String(DELIVERY_LIMIT),
      },
    });
  });

  beforeEach(async () => {
    await awayFromWindowEnd();
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.ws.terminate();
  });

  afterAll(async () => {
    await runtime.close();
  });

  it('refuses the 11th connection of one user with 429, and takes one again after a close', async () => {
    // Prepare
    const ann = newUser();
    const open10: ProtocolClient[] = [];
    for (let index = 0; index < 10; index++) open10.push(await open(ann));

    // Act
    const eleventh = await refusedStatus(open(ann));
    const otherUser = await refusedStatus(open(newUser()));
    open10[0]?.close();
    await open10[0]?.closedWith();
    // `$disconnect` runs after the close; the slot is free once it has.
    let afterClose: unknown;
    for (let attempt = 0; attempt < 20 && afterClose !== 'open'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      afterClose = await refusedStatus(open(ann));
    }

    // Assess
    expect(eleventh).toBe(429);
    expect(otherUser).toBe('open');
    expect(afterClose).toBe('open');
  });

  it('limits 100 frames spread over 10 connections of one user like 100 frames on one', async () => {
    // Prepare
    const onOne = await open(newUser());
    const spreadUser = newUser();
    const spread: ProtocolClient[] = [];
    for (let index = 0; index < 10; index++) spread.push(await open(spreadUser));

    // Act: 10 batches of 10 frames at once (all within one window).
    const oneReplies: Frame[] = [];
    const spreadReplies: Frame[] = [];
    for (let batch = 0; batch < 10; batch++)
      oneReplies.push(
        ...(await Promise.all(Array.from({ length: 10 }, () => onOne.requestRaw('whoami')))),
      );
    for (let batch = 0; batch < 10; batch++)
      spreadReplies.push(
        ...(await Promise.all(spread.map((client) => client.requestRaw('whoami')))),
      );

    // Assess
    const accepted = (replies: Frame[]) => replies.filter((reply) => !reply.error).length;
    expect(accepted(oneReplies)).toBe(20);
    expect(accepted(spreadReplies)).toBe(20);
    const limits = new Set(spreadReplies.flatMap((reply) => (reply.error ? [reply.error] : [])));
    expect([...limits]).toContainEqual({
      code: 'RATE_LIMITED',
      message: 'Over the messages budget: at most 20 frames from one user per 600 s',
      limit: 'messages',
    });
  });

  it('refuses a namespace broadcast over the delivery budget, and posts none of it', async () => {
    // Prepare
    const sender = await open(newUser());
    const audience: ProtocolClient[] = [];
    for (let index = 0; index < 30; index++) audience.push(await open(newUser()));

    // Act: each broadcast costs 30 recipients (5 reserved by its frame, 25 more).
    const replies: Frame[] = [];
    for (let index = 0; index < 4; index++)
      replies.push(await sender.requestRaw('broadcast', `news ${index}`));
    await Promise.all(audience.map((client) => client.request('whoami')));

    // Assess
    expect(replies.slice(0, 3).map((reply) => reply.data)).toEqual([
      { recipients: 30 },
      { recipients: 30 },
      { recipients: 30 },
    ]);
    expect(replies[3]?.error).toEqual({
      code: 'RATE_LIMITED',
      message: `Over the deliveries budget: at most ${DELIVERY_LIMIT} recipients on one user's behalf per ${WINDOW_SECONDS} s`,
      limit: 'deliveries',
    });
    for (const client of audience)
      expect(client.frames.filter((frame) => frame.event === 'broadcast')).toHaveLength(3);
  });

  it('20 connect/close cycles on /notification post the greeting to the others at most once a minute', async () => {
    // Prepare
    const audience: ProtocolClient[] = [];
    for (let index = 0; index < 10; index++) audience.push(await open(newUser(), '/notification'));
    await Promise.all(audience.map((client) => client.request('whoami')));
    for (const client of audience) client.frames.splice(0);
    const cycler = newUser();

    // Act
    for (let cycle = 0; cycle < 20; cycle++) {
      const client = await open(cycler, '/notification');
      await client.event('hello');
      client.close();
      await client.closedWith();
    }
    await Promise.all(audience.map((client) => client.request('whoami')));

    // Assess: before, each cycle greeted every member (200 posts here); now at most once a
    // minute (twice if the cycles straddle one).
    const greetings = audience.reduce(
      (sum, client) => sum + client.frames.filter((frame) => frame.event === 'hello').length,
      0,
    );
    expect(greetings).toBeLessThanOrEqual(2 * audience.length);
  });
});
