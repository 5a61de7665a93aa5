import type { Adapter } from './adapter';
import { errorFields } from './error-fields';
import type { CoreLogger } from './logger';
import { type ChatMetrics, type CleanupDispatcher, type GoneCleanup, noMetrics } from './ports';
import type { RemovedConnection } from './types';

export interface GoneCleanupWorkerOptions {
  readonly adapter: Pick<Adapter, 'detach' | 'finishRemoval'>;
  readonly logger: CoreLogger;
  readonly metrics?: ChatMetrics;
  /** Connections whose memberships are removed at once. Default 4. */
  readonly concurrency?: number;
  /**
   * Time kept in reserve: no connection's removal starts with less than this left, and what
   * is left is handed on instead. Default 3 s (a removal at the room cap: five batch deletes
   * and the presence departures of 100 rooms).
   */
  readonly reserveMs?: number;
}

/** How the worker's invocation stands: its remaining time and where to hand on what is left. */
export interface CleanupInvocation {
  /** Milliseconds left before the invocation is cut off (Lambda's `getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  /** Takes the rest when time runs short (the worker re-invoking itself on AWS). */
  readonly continuation: CleanupDispatcher;
}

/**
 * Removes connections a post found gone, off the sender's request: detaches them (deletes
 * each connection item, reading what it held), then deletes their memberships and announces
 * their departure, a few connections at a time. Idempotent: a connection already removed is
 * skipped, a removal repeated does nothing more. Resumable: when the invocation runs short of
 * time, the connections not started yet are handed on (`detached`, a checkpoint) to a new
 * invocation. Failures are logged, never thrown, so an asynchronous invocation is not retried;
 * what a failure leaves behind expires with the connection's TTL.
 *
 * @example
 * await worker.run({ connectionIds: [id], connectedBefore }, { remainingMs: () => context.getRemainingTimeInMillis(), continuation });
 */
export class GoneCleanupWorker {
  private readonly concurrency: number;
  private readonly reserveMs: number;
  private readonly metrics: ChatMetrics;

  constructor(private readonly options: GoneCleanupWorkerOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.reserveMs = options.reserveMs ?? 3_000;
    this.metrics = options.metrics ?? noMetrics;
  }

  async run(cleanup: GoneCleanup, invocation: CleanupInvocation): Promise<void> {
    const { adapter, logger } = this.options;
    const pending: RemovedConnection[] = [...(cleanup.detached ?? [])];
    const ids = cleanup.connectionIds ?? [];
    if (ids.length > 0) {
      try {
        const detached = await adapter.detach(ids, {
          ...(cleanup.connectedBefore === undefined
            ? {}
            : { connectedBefore: cleanup.connectedBefore }),
        });
        if (detached.length > 0) this.metrics.count('GoneCleanups', detached.length);
        pending.push(...detached);
      } catch (error) {
        logger.error('Clean-up of gone connections failed', {
          count: ids.length,
          ...errorFields(error),
        });
      }
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < pending.length && invocation.remainingMs() > this.reserveMs) {
        const connection = pending[next++] as RemovedConnection;
        try {
          await adapter.finishRemoval([connection], 'gone');
        } catch (error) {
          logger.error('Clean-up of a gone connection failed', {
            connectionId: connection.id,
            ...errorFields(error),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    const left = pending.slice(next);
    if (left.length === 0) return;
    logger.info('Gone clean-up handed on', { left: left.length, done: next });
    try {
      await invocation.continuation.dispatch({ detached: left });
    } catch (error) {
      logger.error('Hand-on of a gone clean-up failed', {
        left: left.length,
        ...errorFields(error),
      });
    }
  }
}
