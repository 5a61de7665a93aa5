import type { ConnectionCloser, ConnectionPoster, PostResult } from './ports';
import type { SocketId } from './types';

/**
 * `ConnectionPoster` and `ConnectionCloser` for tests: records the frames posted to each
 * connection and the connections closed, and answers `'gone'` or fails for the connections a
 * test marks so. A closed connection is gone from then on.
 *
 * @example
 * const poster = new InMemoryPoster();
 * poster.markGone('stale');
 * await poster.post('stale', '{}'); // 'gone'
 * await poster.post('a', '{"event":"hello"}');
 * poster.framesFor('a'); // [{ event: 'hello' }]
 */
export class InMemoryPoster implements ConnectionPoster, ConnectionCloser {
  private readonly frames = new Map<SocketId, string[]>();
  private readonly closedIds: SocketId[] = [];
  private readonly gone = new Set<SocketId>();
  private readonly failures = new Map<SocketId, unknown>();
  private posts = 0;

  async post(connectionId: SocketId, frame: string): Promise<PostResult> {
    this.posts++;
    if (this.failures.has(connectionId)) throw this.failures.get(connectionId);
    if (this.gone.has(connectionId)) return 'gone';
    const frames = this.frames.get(connectionId) ?? [];
    frames.push(frame);
    this.frames.set(connectionId, frames);
    return 'delivered';
  }

  async close(connectionId: SocketId): Promise<'closed' | 'gone'> {
    if (this.failures.has(connectionId)) throw this.failures.get(connectionId);
    if (this.gone.has(connectionId)) return 'gone';
    this.gone.add(connectionId);
    this.closedIds.push(connectionId);
    return 'closed';
  }

  /** The connections `close` closed, in order. */
  get closed(): readonly SocketId[] {
    return [...this.closedIds];
  }

  /** Every later post to `connectionId` resolves `'gone'` and records nothing. */
  markGone(connectionId: SocketId): void {
    this.gone.add(connectionId);
  }

  /** Every later post to `connectionId` rejects with `error` (takes precedence over `markGone`). */
  failWith(connectionId: SocketId, error: unknown): void {
    this.failures.set(connectionId, error);
  }

  /** Frames delivered to `connectionId`, in order, parsed as JSON (a frame that is not JSON stays a string). */
  framesFor(connectionId: SocketId): unknown[] {
    return this.rawFramesFor(connectionId).map(parseOrKeep);
  }

  /** Frames delivered to `connectionId`, in order, as posted. */
  rawFramesFor(connectionId: SocketId): string[] {
    return [...(this.frames.get(connectionId) ?? [])];
  }

  /** Ids that received at least one frame. */
  recipients(): SocketId[] {
    return [...this.frames.keys()];
  }

  /** Number of `post` calls, including those answered `'gone'` or failed. */
  get postCount(): number {
    return this.posts;
  }

  /** Forgets the recorded frames and the post count; gone and failing marks stay. */
  clearFrames(): void {
    this.frames.clear();
    this.posts = 0;
  }
}

function parseOrKeep(frame: string): unknown {
  try {
    return JSON.parse(frame);
  } catch {
    return frame;
  }
}
