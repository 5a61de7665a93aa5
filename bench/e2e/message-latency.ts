import { performance } from 'node:perf_hooks';
import type { Frame } from '../load/load-client';
import { type Distribution, distribution } from '../load/stats';
import { type E2eClient, request } from './e2e-client';
import { Pacer } from './pacer';

/** How long to wait for the deliveries of one message before counting them lost. */
const DELIVERY_TIMEOUT_MS = 10_000;

export interface DirectResult {
  readonly messages: number;
  readonly lost: number;
  /** Send to receipt (milliseconds). */
  readonly latencyMs: Distribution;
}

export interface RoomResult {
  readonly members: number;
  readonly messages: number;
  /** Deliveries expected per message: every member but the sender. */
  readonly recipientsPerMessage: number;
  readonly lost: number;
  /** Send to the last recipient's receipt, per message (milliseconds). */
  readonly lastRecipientMs: Distribution;
  /** Send to receipt, per delivery (milliseconds). */
  readonly eachRecipientMs: Distribution;
  /** Deliveries per second while a message is in flight: deliveries / Σ send→last. */
  readonly deliveriesPerSecond: number;
}

export interface ThroughputResult {
  readonly senders: number;
  readonly messages: number;
  readonly expectedDeliveries: number;
  readonly deliveries: number;
  /** From the first send to the last receipt (milliseconds). */
  readonly windowMs: number;
  readonly deliveriesPerSecond: number;
  /** Send to receipt, per delivery (milliseconds). */
  readonly eachRecipientMs: Distribution;
}

/** The `seq` a bench message carries, from an event frame of `event`; `undefined` otherwise. */
export function sequenceOf(frame: Frame, event: string, tag: string): number | undefined {
  if (frame.event !== event) return undefined;
  const data = frame.data as { tag?: unknown; seq?: unknown } | undefined;
  return data?.tag === tag && typeof data.seq === 'number' ? data.seq : undefined;
}

/** Resolves once `done()` is true (checked on `poke`) or after `timeoutMs`, with whether it was. */
function waiter(timeoutMs: number): { promise: Promise<boolean>; poke: (done: boolean) => void } {
  let settle: (value: boolean) => void = () => undefined;
  const promise = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    settle = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
  });
  return { promise, poke: (done) => done && settle(true) };
}

/**
 * `count` direct messages from `sender` to `receiver`, one at a time (the next one after the
 * previous arrived, and no faster than the rate limit allows).
 *
 * @example
 * const { latencyMs } = await measureDirect(alice, bob, 100, 10);
 */
export async function measureDirect(
  sender: E2eClient,
  receiver: E2eClient,
  count: number,
  refillPerSecond: number,
): Promise<DirectResult> {
  const pacer = new Pacer(refillPerSecond);
  const samples: number[] = [];
  let lost = 0;
  for (let seq = 0; seq < count; seq++) {
    await pacer.wait();
    const arrived = waiter(DELIVERY_TIMEOUT_MS);
    let sentAt = 0;
    receiver.onEvent = (frame, at) => {
      if (sequenceOf(frame, 'direct', 'dm') !== seq) return;
      samples.push(at - sentAt);
      arrived.poke(true);
    };
    sentAt = performance.now();
    await request(sender.socket, 'direct', { to: receiver.id, message: { tag: 'dm', seq } });
    if (!(await arrived.promise)) lost++;
  }
  receiver.onEvent = () => undefined;
  return { messages: count, lost, latencyMs: distribution(samples) };
}

/**
 * `count` room messages from `members[0]` to `room`, one at a time: the next one after every
 * other member got the previous one, and no faster than the rate limit allows.
 *
 * @example
 * const { lastRecipientMs } = await measureRoom(members, 'bench-room', 30, 10);
 */
export async function measureRoom(
  members: readonly E2eClient[],
  room: string,
  count: number,
  refillPerSecond: number,
): Promise<RoomResult> {
  const [sender, ...recipients] = members;
  if (!sender) throw new Error('measureRoom needs at least one member');
  const pacer = new Pacer(refillPerSecond);
  const last: number[] = [];
  const each: number[] = [];
  let lost = 0;
  let deliveries = 0;
  let inFlightMs = 0;
  for (let seq = 0; seq < count; seq++) {
    await pacer.wait();
    const arrived = waiter(DELIVERY_TIMEOUT_MS);
    let received = 0;
    let lastAt = 0;
    const sentAt = performance.now();
    for (const recipient of recipients)
      recipient.onEvent = (frame, at) => {
        if (sequenceOf(frame, 'chat', 'room') !== seq) return;
        each.push(at - sentAt);
        received++;
        lastAt = Math.max(lastAt, at);
        arrived.poke(received === recipients.length);
      };
    await request(sender.socket, 'chat', { room, message: { tag: 'room', seq } });
    const complete = recipients.length === 0 || (await arrived.promise);
    deliveries += received;
    lost += recipients.length - received;
    if (complete && recipients.length > 0) {
      last.push(lastAt - sentAt);
      inFlightMs += lastAt - sentAt;
    }
  }
  for (const recipient of recipients) recipient.onEvent = () => undefined;
  return {
    members: members.length,
    messages: count,
    recipientsPerMessage: recipients.length,
    lost,
    lastRecipientMs: distribution(last),
    eachRecipientMs: distribution(each),
    deliveriesPerSecond: inFlightMs > 0 ? Math.round((deliveries / inFlightMs) * 1_000) : 0,
  };
}

/**
 * `senders` members post `perSender` messages each at once, each paced to `ratePerSender`
 * without waiting for deliveries; counts what every other member receives. The messages go
 * to `room` (`chat`), or with `room` undefined to every other socket of the namespace
 * (`broadcast`): `members` must then be all of them.
 *
 * @example
 * const { deliveriesPerSecond } = await measureThroughput(members, 'bench-room', 5, 20, 10);
 */
export async function measureThroughput(
  members: readonly E2eClient[],
  room: string | undefined,
  senders: number,
  perSender: number,
  ratePerSender: number,
): Promise<ThroughputResult> {
  const event = room === undefined ? 'broadcast' : 'chat';
  const sending = members.slice(0, Math.min(senders, members.length));
  const messages = sending.length * perSender;
  const expectedDeliveries = messages * (members.length - 1);
  const sentAt = new Map<number, number>();
  const each: number[] = [];
  let deliveries = 0;
  let lastAt = 0;
  const drained = waiter(DELIVERY_TIMEOUT_MS * 3 + (perSender * 1_000) / ratePerSender);
  for (const member of members)
    member.onEvent = (frame, at) => {
      const seq = sequenceOf(frame, event, 'burst');
      const sent = seq === undefined ? undefined : sentAt.get(seq);
      if (sent === undefined) return;
      each.push(at - sent);
      deliveries++;
      lastAt = Math.max(lastAt, at);
      drained.poke(deliveries >= expectedDeliveries);
    };
  const firstSend = performance.now();
  await Promise.all(
    sending.map(async (sender, index) => {
      const pacer = new Pacer(ratePerSender);
      const acks: Promise<unknown>[] = [];
      for (let i = 0; i < perSender; i++) {
        await pacer.wait();
        const seq = index * perSender + i;
        const message = { tag: 'burst', seq };
        sentAt.set(seq, performance.now());
        acks.push(request(sender.socket, event, room === undefined ? message : { room, message }));
      }
      await Promise.all(acks);
    }),
  );
  await drained.promise;
  for (const member of members) member.onEvent = () => undefined;
  const windowMs = Math.max(0, lastAt - firstSend);
  return {
    senders: sending.length,
    messages,
    expectedDeliveries,
    deliveries,
    windowMs: Math.round(windowMs),
    deliveriesPerSecond: windowMs > 0 ? Math.round((deliveries / windowMs) * 1_000) : 0,
    eachRecipientMs: distribution(each),
  };
}
