import type {
  AfterConnectDispatcher,
  ConnectionPoster,
  PostResult,
} from '../../lambdas/core/ports';
import type { SocketId } from '../../lambdas/core/types';
import { messageUnits } from './pricing';

/**
 * `ConnectionPoster` that only counts: one management-API call (PostToConnection) per `post`, and
 * the API Gateway message units of its frame. No network, every post is delivered.
 *
 * @example
 * const poster = new CountingPoster();
 * await poster.post(id, frame);
 * poster.take(); // { posts: 1, messageUnits: 1 }
 */
export class CountingPoster implements ConnectionPoster {
  #posts = 0;
  #messageUnits = 0;

  async post(_connectionId: SocketId, frame: string): Promise<PostResult> {
    this.#posts++;
    this.#messageUnits += messageUnits(frame);
    return 'delivered';
  }

  /** Posts and message units since the last `take()`; resets them. */
  take(): { posts: number; messageUnits: number } {
    const tally = { posts: this.#posts, messageUnits: this.#messageUnits };
    this.#posts = 0;
    this.#messageUnits = 0;
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
