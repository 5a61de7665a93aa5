import type { Adapter, BroadcastOptions, BroadcastReport, Packet } from './adapter';
import { AckTimeoutError } from './errors';
import { currentInvocation, followed, operation } from './invocation';
import type { SocketId } from './types';

/** Time kept after the last wait for answers, for the invocation to finish and return. */
export const RETURN_MARGIN_MS = 1_000;

/** How long an invocation without a known deadline may wait: a routed function's 10 s timeout. */
const DEFAULT_INVOCATION_MS = 10_000;

/**
 * When waiting for answers must end: `timeoutMs` from now, or, without one, when the
 * invocation must return (less `RETURN_MARGIN_MS`). Throws a `RangeError` at once for a
 * timeout longer than the invocation has left: the answer could never be waited for.
 *
 * @example
 * ackDeadline(5_000); // Date.now() + 5_000, in a message invocation with 9 s left
 */
export function ackDeadline(timeoutMs: number | undefined): number {
  const latest =
    (currentInvocation()?.deadline ?? Date.now() + DEFAULT_INVOCATION_MS) - RETURN_MARGIN_MS;
  if (timeoutMs === undefined) return latest;
  if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0))
    throw new RangeError(`A timeout must be a number of milliseconds, not ${timeoutMs}`);
  const wanted = Date.now() + timeoutMs;
  if (wanted > latest)
    throw new RangeError(
      `A timeout of ${timeoutMs} ms is longer than the ${Math.max(0, latest - Date.now())} ms this invocation can wait`,
    );
  return wanted;
}

type Audience = BroadcastOptions | { readonly ns: string; readonly ids: readonly SocketId[] };

/** An acked emit on its way: the send's report, and the answers. */
export interface AckedEmit {
  /** Resolves once the frame is posted; rejects when sending failed. */
  readonly report: Promise<BroadcastReport>;
  /**
   * Each answering recipient's arguments, in recipient order; rejects with an
   * `AckTimeoutError` (holding the answers that came) when some did not answer by the deadline.
   */
  readonly answers: Promise<unknown[][]>;
}

/**
 * Sends an acked emit as an operation of the invocation (in call order with the others) and
 * waits for its answers beside the queue: the invocation waits for them before it returns,
 * later operations do not. What `emit(…, callback)` and `emitWithAck` on sockets and
 * operators share.
 *
 * @example
 * const [[answer]] = await ackedEmit(adapter, packet, { ns: '/', ids: [socket.id] }, undefined).answers;
 */
export function ackedEmit(
  adapter: Adapter,
  packet: Packet,
  audience: Audience,
  timeoutMs: number | undefined,
): AckedEmit {
  const deadline = ackDeadline(timeoutMs);
  const sent = operation(`emit "${packet.event}"`, () =>
    adapter.askForAcks(packet, audience, deadline),
  );
  return {
    report: followed(
      `emit "${packet.event}"`,
      sent.then((pending) => pending.report),
    ),
    answers: followed(
      `answers to "${packet.event}"`,
      sent.then(async (pending) => {
        const { answers, complete } = await adapter.answersTo(pending, deadline);
        const all = answers.map(({ args }) => [...args]);
        if (!complete) throw new AckTimeoutError(all.map((args) => args[0]));
        return all;
      }),
    ),
  };
}

/**
 * Calls a Socket.IO ack callback with what came back, once the answers are in: for one
 * socket `callback(...answer)` (`callback(null, ...answer)` with a timeout, `callback(err)`
 * when it ran out; without a timeout an unanswered callback is never called, as in
 * Socket.IO); for a broadcast `callback(err | null, responses)`. Failures to send are
 * reported with the emit, not here.
 *
 * @example
 * return callWhenAnswered(ackedEmit(adapter, packet, audience, undefined), callback, { broadcast: false, timed: false });
 */
export function callWhenAnswered(
  emit: AckedEmit,
  callback: (...args: unknown[]) => unknown,
  mode: { readonly broadcast: boolean; readonly timed: boolean },
): Promise<BroadcastReport> {
  void followed(
    'ack callback',
    emit.answers.then(
      async (all) => {
        if (mode.broadcast)
          await callback(
            null,
            all.map((args) => args[0]),
          );
        else if (mode.timed) await callback(null, ...(all[0] ?? []));
        else await callback(...(all[0] ?? []));
      },
      async (error: unknown) => {
        if (!(error instanceof AckTimeoutError)) return;
        if (mode.broadcast) await callback(error, error.responses);
        else if (mode.timed) await callback(error);
      },
    ),
  );
  return emit.report;
}
