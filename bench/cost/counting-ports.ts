import type {
  AfterConnectDispatcher,
  CleanupDispatcher,
  ConnectionPoster,
  GoneCleanup,
  PostResult,
} from '../../lambdas/core/ports';
import type { SocketId } from '../../lambdas/core/types';
import { messageUnits } from './pricing';

/**
 * `ConnectionPoster` that only counts: one management-API call (PostToConnection) per `post`, and
 * the API Gateway message units of its frame. No network, every post is delivered but to the
 * connections marked gone (410).
 *
 * @example
 * const poster = new CountingPoster();
 * await poster.post(id, frame);
 * poster.take(); // { posts: 1, messageUnits: 1 }
 */
export class CountingPoster implements ConnectionPoster {
  #posts = 0;
  #messageUnits = 0;
  readonly #frames = new Set<string>();
  readonly #gone = new Set<SocketId>();

  /** Hears every post, as a client hears its frames (the acked-emit measurement answers them). */
  onPost: ((connectionId: SocketId, frame: string) => void) | undefined;

  async post(connectionId: SocketId, frame: string): Promise<PostResult> {
    this.#posts++;
    this.#messageUnits += messageUnits(frame);
    this.#frames.add(frame);
    this.onPost?.(connectionId, frame);
    return this.#gone.has(connectionId) ? 'gone' : 'delivered';
  }

  /** Every later post to `connectionId` finds it gone, as API Gateway's 410. */
  markGone(connectionId: SocketId): void {
    this.#gone.add(connectionId);
  }

  /** Posts, message units and distinct frames (encodings) since the last `take()`; resets them. */
  take(): { posts: number; messageUnits: number; frames: number } {
    const tally = {
      posts: this.#posts,
      messageUnits: this.#messageUnits,
      frames: this.#frames.size,
    };
    this.#posts = 0;
    this.#messageUnits = 0;
    this.#frames.clear();
    return tally;
  }
}

/**
 * `AfterConnectDispatcher` that only counts: each call is one asynchronous Lambda invocation of
 * the worker function, whose posts are counted as management-API calls too.
 *
 * @example
 * const afterConnect = new CountingAfterConnectDispatcher();
 * afterConnect.take(); // { invocations: 0, posts: 0, messageUnits: 0 }
 */
export class CountingAfterConnectDispatcher implements AfterConnectDispatcher {
  #invocations = 0;
  #posts = 0;
  #messageUnits = 0;

  async dispatch(_connectionId: SocketId, frames: readonly string[]): Promise<void> {
    this.#invocations++;
    this.#posts += frames.length;
    for (const frame of frames) this.#messageUnits += messageUnits(frame);
  }

  /** Invocations, and the posts they would make, since the last `take()`; resets them. */
  take(): { invocations: number; posts: number; messageUnits: number } {
    const tally = {
      invocations: this.#invocations,
      posts: this.#posts,
      messageUnits: this.#messageUnits,
    };
    this.#invocations = 0;
    this.#posts = 0;
    this.#messageUnits = 0;
    return tally;
  }
}

/**
 * `CleanupDispatcher` that only counts and keeps what it is handed: each call is one
 * asynchronous invocation of the `worker` function (its own cost is the worker's, not the sender's).
 *
 * @example
 * const cleanups = new CountingCleanupDispatcher();
 * cleanups.take(); // { invocations: 0, cleanups: [] }
 */
export class CountingCleanupDispatcher implements CleanupDispatcher {
  #cleanups: GoneCleanup[] = [];

  async dispatch(cleanup: GoneCleanup): Promise<void> {
    this.#cleanups.push(cleanup);
  }

  /** Invocations and what they carried since the last `take()`; resets them. */
  take(): { invocations: number; cleanups: GoneCleanup[] } {
    const cleanups = this.#cleanups;
    this.#cleanups = [];
    return { invocations: cleanups.length, cleanups };
  }
}
