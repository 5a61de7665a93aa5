import { AsyncLocalStorage } from 'node:async_hooks';

/** An operation of an invocation that failed and that the code which started it never awaited. */
export interface UnobservedFailure {
  /** What was started, e.g. `join` or `emit "chat"`. */
  readonly operation: string;
  readonly error: unknown;
}

/**
 * A promise that remembers whether anyone called `then` on it (an `await` does), so the
 * invocation can tell an operation whose failure its caller handled from one nobody awaited.
 */
class ObservedPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  observed = false;

  // biome-ignore lint/suspicious/noThenProperty: overriding Promise#then is the point: it marks the promise observed.
  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.observed = true;
    return super.then(onFulfilled, onRejected);
  }
}

const current = new AsyncLocalStorage<Invocation>();
const insideOperation = new AsyncLocalStorage<Invocation>();

/**
 * The operations (emits, joins, leaves, disconnects) that one handler or hook starts, in the
 * invocation that runs it. Socket.IO code does not await them; on Lambda, work still pending
 * when the handler returns is frozen and lost. So each operation is queued: they run one after
 * the other in the order they were called (a `join` before the `emit` that follows it), the
 * server waits for all of them (`settle`) before the invocation returns, and the failures
 * nobody awaited are handed back to be logged and reported. An operation started from inside
 * another (a join policy that reads members, presence announcing a join) runs at once.
 *
 * @example
 * const invocation = new Invocation();
 * await invocation.scope(() => handler(socket, ...args));
 * const failures = await invocation.settle();
 */
export class Invocation {
  /**
   * `onLate` hears of operations started after `settle` finished, which nothing waits for.
   * `deadline` (epoch ms) is when the invocation must have returned: what waits for clients
   * (acks) must be done by then. Default: 10 s from now, a routed function's timeout.
   */
  constructor(
    private readonly onLate: (operation: string) => void = () => undefined,
    readonly deadline: number = Date.now() + 10_000,
  ) {}

  private readonly background = new Set<Promise<unknown>>();
  private tail: Promise<void> = Promise.resolve();
  private ended = false;
  private readonly started: { operation: string; promise: ObservedPromise<unknown> }[] = [];
  private readonly failures = new Map<ObservedPromise<unknown>, UnobservedFailure>();

  /** Runs `work` (a handler or hook) so that the operations it starts belong to this invocation. */
  scope<T>(work: () => T): T {
    return current.run(this, work);
  }

  /**
   * Runs `run` at once: nothing waits for it any more. Tells `onLate`, since on Lambda it
   * may be frozen half-way.
   */
  late<T>(operation: string, run: () => Promise<T>): Promise<T> {
    this.onLate(operation);
    return run();
  }

  /** Whether `settle` has finished: operations started from now on are not waited for. */
  get hasEnded(): boolean {
    return this.ended;
  }

  /**
   * Queues `operation` behind the ones started before it and returns its result. Its failure
   * rejects the returned promise; when nobody awaits that promise, `settle` reports it.
   */
  enqueue<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => insideOperation.run(this, run));
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    const promise = new ObservedPromise<T>((resolve, reject) => {
      Promise.prototype.then.call(result, resolve, reject);
    });
    Promise.prototype.then.call(promise, undefined, (error: unknown) => {
      this.failures.set(promise, { operation, error });
    });
    return this.track(operation, promise);
  }

  /**
   * Tracks work that runs beside the queue (waiting for a client's ack): `settle` waits for
   * it too, without holding back the operations started after it; its failure is reported as
   * an operation's when nobody awaits it.
   */
  follow<T>(operation: string, work: Promise<T>): Promise<T> {
    const promise = new ObservedPromise<T>((resolve, reject) => {
      Promise.prototype.then.call(work, resolve, reject);
    });
    const done = work.then(
      () => undefined,
      () => undefined,
    );
    this.background.add(done);
    void done.then(() => this.background.delete(done));
    Promise.prototype.then.call(promise, undefined, (error: unknown) => {
      this.failures.set(promise, { operation, error });
    });
    return this.track(operation, promise);
  }

  private track<T>(operation: string, promise: ObservedPromise<T>): ObservedPromise<T> {
    this.started.push({ operation, promise: promise as ObservedPromise<unknown> });
    return promise;
  }

  /**
   * Waits until every operation started so far, and those they start, has finished; then
   * resolves with the failures of the operations nobody awaited. Call it once, when the
   * handler's own promise has settled.
   */
  async settle(): Promise<readonly UnobservedFailure[]> {
    let seen: Promise<void>;
    do {
      seen = this.tail;
      await seen;
      await Promise.all(this.background);
      // Lets the rejection handlers of the last operations record their failures.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } while (seen !== this.tail || this.background.size > 0);
    this.ended = true;
    return this.started
      .filter(({ promise }) => !promise.observed && this.failures.has(promise))
      .map(({ promise }) => this.failures.get(promise) as UnobservedFailure);
  }

  /** Whether the caller is itself an operation of this invocation. */
  isRunningOperation(): boolean {
    return insideOperation.getStore() === this;
  }
}

/**
 * Runs `run` as an operation of the current invocation when there is one (queued in call
 * order, waited for before the invocation returns), at once otherwise: outside any handler,
 * from inside another operation, or after the invocation ended.
 *
 * @example
 * join(rooms) { return operation('join', () => this.adapter.addAll(member, rooms)); }
 */
export function operation<T>(name: string, run: () => Promise<T>): Promise<T> {
  const invocation = current.getStore();
  if (!invocation || invocation.isRunningOperation()) return run();
  if (invocation.hasEnded) return invocation.late(name, run);
  return invocation.enqueue(name, run);
}

/** The invocation whose handler or hook is running in this async context, if any. */
export function currentInvocation(): Invocation | undefined {
  return current.getStore();
}

/**
 * Tracks `work` in the current invocation (see `Invocation.follow`), so the invocation waits
 * for it before it returns; outside any invocation, `work` as it is.
 *
 * @example
 * return followed('emitWithAck "hello"', sent.then(() => collector.collect(id, ids, deadline)));
 */
export function followed<T>(name: string, work: Promise<T>): Promise<T> {
  const invocation = current.getStore();
  return invocation && !invocation.hasEnded ? invocation.follow(name, work) : work;
}
