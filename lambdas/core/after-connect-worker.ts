import type { Adapter } from './adapter';
import { errorFields } from './error-fields';
import { ConnectionGoneError } from './errors';
import type { CoreLogger } from './logger';
import type { ConnectionPoster } from './ports';
import { withRetries } from './retry';
import type { SocketId } from './types';

export interface AfterConnectWorkerOptions {
  readonly poster: ConnectionPoster;
  /** Removes the connection when it is still gone at the deadline. */
  readonly adapter: Pick<Adapter, 'removeGone'>;
  readonly logger: CoreLogger;
  /** How long a connection that is not open yet keeps being retried. Default 10 s. */
  readonly deadlineMs?: number;
}

/**
 * Posts the frames a connection hook sent to its own socket, in order, once API Gateway
 * accepts them (it answers 410 until `$connect` returns). 410s and transient failures are
 * retried with exponential backoff (`withRetries`: 20 ms doubling to 1 s) until the deadline; then the rest is dropped and
 * logged, and a connection still gone is removed. It never throws, so an asynchronous
 * invocation is not retried and no frame is sent twice.
 *
 * @example
 * await new AfterConnectWorker({ poster, adapter, logger }).post(connectionId, frames);
 */
export class AfterConnectWorker {
  private readonly deadlineMs: number;

  constructor(private readonly options: AfterConnectWorkerOptions) {
    this.deadlineMs = options.deadlineMs ?? 10_000;
  }

  /** Posts `frames` to `connectionId` in order; resolves when done or given up. */
  async post(connectionId: SocketId, frames: readonly string[]): Promise<void> {
    const { poster, logger, adapter } = this.options;
    const policy = {
      retries: Number.POSITIVE_INFINITY,
      baseDelayMs: 20,
      // One connection, retried by one worker: no herd to spread, so the waits stay bounded.
      jitter: false,
      deadline: Date.now() + this.deadlineMs,
    };
    for (const [index, frame] of frames.entries()) {
      try {
        await withRetries(
          async () => {
            if ((await poster.post(connectionId, frame)) === 'gone') {
              throw new ConnectionGoneError(connectionId);
            }
          },
          () => true,
          policy,
        );
      } catch (error) {
        const gone = error instanceof ConnectionGoneError;
        logger.warn('After-connect delivery gave up', {
          connectionId,
          delivered: index,
          dropped: frames.length - index,
          lastError: gone ? 'GoneException' : errorFields(error).error,
        });
        if (gone) await adapter.removeGone([connectionId]);
        return;
      }
    }
  }
}
