import type { CoreLogger } from './logger';
import { pollUntil } from './poll-until';
import type { MembershipStore } from './ports';
import type { ConnectionRecord, SocketId } from './types';

export interface TurnGateOptions {
  readonly store: MembershipStore;
  readonly logger: CoreLogger;
  /**
   * Longest wait while the turn does not move: a frame that never came (refused before it was
   * read, say) holds the ones after it no longer. A long queue that moves is waited for, up
   * to the invocation's deadline. Default 5 s (a cold start may hold the frame before for seconds).
   */
  readonly maxStallMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Handles a connection's numbered frames in its client's order. API Gateway invokes the
 * frames of one connection concurrently, so two messages sent back to back may be handled,
 * and numbered in a durable room, the other way round. A client that numbers its frames
 * (`"n": 1, 2, 3…` per connection, as the client SDK does) gets them handled one after the
 * other: frame `n` waits until the connection's `turn` (the highest number handled, kept
 * with the connection) reaches `n - 1`, reading it 10 ms apart, then 20, up to 100 ms apart,
 * as long as the turn moves (`maxStallMs` without a move ends the wait) and the invocation
 * has time; once handled, it moves the turn to `n` (one conditional write).
 * Frames without `n` (wscat) are handled as they come.
 *
 * @example
 * const record = await gate.waitFor(record, frame.n);
 * try { await handle(record); } finally { await gate.done(record.id, frame.n); }
 */
export class TurnGate {
  private readonly store: MembershipStore;
  private readonly logger: CoreLogger;
  private readonly maxStallMs: number;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;

  constructor(options: TurnGateOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.maxStallMs = options.maxStallMs ?? 5_000;
    this.sleep = options.sleep;
  }

  /**
   * Resolves once the frames before `n` were handled, or the wait ran out, with the record as
   * read last (undefined when the connection went away meanwhile).
   */
  async waitFor(
    record: ConnectionRecord,
    n: number,
    latest: number = Number.POSITIVE_INFINITY,
  ): Promise<ConnectionRecord | undefined> {
    let turn = record.turn ?? 0;
    let movedAt = Date.now();
    let first = true;
    const { value, done } = await pollUntil<ConnectionRecord | undefined>({
      read: async () => {
        if (!first) return this.store.getConnection(record.id);
        first = false;
        return record;
      },
      isDone: (current) => !current || (current.turn ?? 0) >= n - 1,
      deadline: (current) => {
        if ((current?.turn ?? 0) > turn) {
          turn = current?.turn ?? 0;
          movedAt = Date.now();
        }
        return Math.min(movedAt + this.maxStallMs, latest);
      },
      firstWaitMs: 10,
      maxWaitMs: 100,
      sleep: this.sleep,
    });
    if (!done) {
      this.logger.warn('Frames before this one never came: handling it anyway', {
        connectionId: record.id,
        n,
        turn: value?.turn ?? 0,
      });
    }
    return value;
  }

  /** Records frame `n` as handled; failures are logged (the next frame then waits out its bound). */
  async done(id: SocketId, n: number): Promise<void> {
    await this.store.endTurn(id, n).catch((error: unknown) =>
      this.logger.error('Recording a handled frame failed', {
        connectionId: id,
        n,
        message: error instanceof Error ? error.message : String(error),
      }),
    );
  }
}
