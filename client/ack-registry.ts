import { ChatClientError, type ServerError } from './errors';
import type { TimerHandle, Timers } from './timers';

/** Node and browsers fire a longer timeout at once, so longer timeouts are capped to this. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * One `emitWithAck` call: its promise and its timeout, which runs from the call (buffered or
 * not) until the ack arrives. A timeout of 0 or `Infinity` waits forever.
 *
 * @example
 * const pending = new PendingAck('whoami', 10_000, defaultTimers);
 * pending.resolve({ id: 'R1kmxc2VNjMCFIA=' });
 */
export class PendingAck {
  readonly promise: Promise<unknown>;
  private done = false;
  private timer: TimerHandle | undefined;
  private resolvePromise!: (data: unknown) => void;
  private rejectPromise!: (error: Error) => void;
  private readonly settleHooks: Array<() => void> = [];

  constructor(
    readonly event: string,
    timeoutMs: number,
    private readonly timers: Timers,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      this.timer = timers.setTimeout(
        () =>
          this.reject(
            new ChatClientError('TIMEOUT', `No ack for "${event}" within ${timeoutMs} ms`),
          ),
        Math.min(timeoutMs, MAX_TIMEOUT_MS),
      );
    }
  }

  /** Whether the promise has resolved or rejected (a buffered emit that timed out is not sent). */
  get settled(): boolean {
    return this.done;
  }

  resolve(data: unknown): void {
    if (this.settle()) this.resolvePromise(data);
  }

  reject(error: Error): void {
    if (this.settle()) this.rejectPromise(error);
  }

  /** Runs `hook` once when the ack settles, however it settles. */
  onSettle(hook: () => void): void {
    if (this.done) hook();
    else this.settleHooks.push(hook);
  }

  private settle(): boolean {
    if (this.done) return false;
    this.done = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    for (const hook of this.settleHooks.splice(0)) hook();
    return true;
  }
}

/**
 * The acks sent and not yet answered, by ack id. Ids are increasing positive integers, never
 * reused for the life of the client (across reconnections too).
 *
 * @example
 * const id = registry.track(new PendingAck('join', 10_000, defaultTimers)); // 1, then 2, ...
 * registry.settle(id, { data: { room: 'lobby', members: 1 } });
 */
export class AckRegistry {
  private nextId = 1;
  private readonly pending = new Map<number, PendingAck>();

  /** Gives `ack` the next id and waits for the reply carrying it. */
  track(ack: PendingAck): number {
    const id = this.nextId++;
    this.pending.set(id, ack);
    ack.onSettle(() => this.pending.delete(id));
    return id;
  }

  /** The event an ack id was sent for, while its reply is awaited. */
  eventOf(id: number): string | undefined {
    return this.pending.get(id)?.event;
  }

  /** Settles the ack of a reply frame; false when no ack waits for that id. */
  settle(id: number, reply: { readonly data?: unknown; readonly error?: unknown }): boolean {
    const ack = this.pending.get(id);
    if (!ack) return false;
    if (reply.error !== undefined) {
      const { code, message } = toServerError(reply.error);
      ack.reject(new ChatClientError(code, message));
    } else {
      ack.resolve(reply.data);
    }
    return true;
  }

  /** Rejects every ack waiting for a reply (the socket they were sent on is gone). */
  rejectAll(error: ChatClientError): void {
    for (const ack of [...this.pending.values()]) ack.reject(error);
  }

  /** How many acks wait for a reply. */
  get size(): number {
    return this.pending.size;
  }
}

/** Reads `{code, message}` from an untrusted frame, with fallbacks. */
export function toServerError(value: unknown): ServerError {
  const record =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return {
    code: typeof record.code === 'string' ? record.code : 'INTERNAL',
    message: typeof record.message === 'string' ? record.message : 'Unknown server error',
  };
}
