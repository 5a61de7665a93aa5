/** Statuses the emulated `@connections` API can be told to answer a POST with. */
export type PostFaultStatus = 410 | 429 | 500 | 503;

/**
 * The error API Gateway answers with for each status: the `x-amzn-ErrorType` the SDK names
 * the error after, and the body's message.
 */
export const POST_FAULTS: Readonly<
  Record<PostFaultStatus, { readonly errorType: string; readonly message: string }>
> = {
  410: { errorType: 'GoneException', message: 'Gone' },
  429: { errorType: 'LimitExceededException', message: 'Rate exceeded' },
  500: { errorType: 'InternalServerErrorException', message: 'Internal server error' },
  503: { errorType: 'ServiceUnavailableException', message: 'Service Unavailable' },
};

/**
 * Called on each POST to `/@connections/{id}` (after the id and size checks): a status makes
 * the API answer with that error instead of sending; `undefined` lets the POST through.
 */
export type PostFaultInjector = (connectionId: string) => PostFaultStatus | undefined;

/**
 * A `PostFaultInjector` for tests: answers the next POSTs to a connection with queued
 * statuses, or every POST with a persistent one, and counts the POSTs each connection got.
 *
 * @example
 * const faults = new PostFaultPlan();
 * const gateway = await startGateway({ postFaults: faults.injector });
 * faults.inject(bobId, [429, 429]); // Bob's next two posts are throttled, the third is sent
 */
export class PostFaultPlan {
  readonly #queued = new Map<string, PostFaultStatus[]>();
  readonly #persistent = new Map<string, PostFaultStatus>();
  readonly #posts = new Map<string, number>();

  /** Pass as the gateway's `postFaults` option. */
  readonly injector: PostFaultInjector = (connectionId) => {
    this.#posts.set(connectionId, this.posts(connectionId) + 1);
    const queue = this.#queued.get(connectionId);
    const next = queue?.shift();
    if (queue?.length === 0) this.#queued.delete(connectionId);
    return next ?? this.#persistent.get(connectionId);
  };

  /** Answers the connection's next POSTs with `statuses`, in order, after any queued before. */
  inject(connectionId: string, statuses: readonly PostFaultStatus[]): this {
    if (statuses.length > 0) {
      this.#queued.set(connectionId, [...(this.#queued.get(connectionId) ?? []), ...statuses]);
    }
    return this;
  }

  /** Answers every POST to the connection with `status` (once the queued ones are used) until `clear`. */
  failAlways(connectionId: string, status: PostFaultStatus): this {
    this.#persistent.set(connectionId, status);
    return this;
  }

  /** Forgets the faults of one connection, or of all; the counts are kept. */
  clear(connectionId?: string): void {
    if (connectionId === undefined) {
      this.#queued.clear();
      this.#persistent.clear();
    } else {
      this.#queued.delete(connectionId);
      this.#persistent.delete(connectionId);
    }
  }

  /** POSTs the connection got so far, failed ones included. */
  posts(connectionId: string): number {
    return this.#posts.get(connectionId) ?? 0;
  }
}
