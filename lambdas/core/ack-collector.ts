import { pollUntil } from './poll-until';
import type { AckStore } from './ports';
import type { SocketId } from './types';

/** What came back for one acked emit. */
export interface CollectedAnswers {
  /** Each answering recipient's arguments, in the order of `recipients`. */
  readonly answers: readonly { readonly id: SocketId; readonly args: readonly unknown[] }[];
  /** Whether every recipient answered before the deadline. */
  readonly complete: boolean;
}

export interface AckCollectorOptions {
  readonly store: AckStore;
  /** First wait between two reads of the answers; doubles up to `maxPollMs`. Default 25 ms. */
  readonly firstPollMs?: number;
  /** Default 400 ms. */
  readonly maxPollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits for the answers to an acked emit by reading the ack store, 25 ms apart at first and
 * up to 400 ms apart (a consistent read each time), until every recipient answered or the
 * deadline passed; then deletes the pending ack.
 *
 * @example
 * const { answers, complete } = await collector.collect(id, [socket.id], Date.now() + 5_000);
 */
export class AckCollector {
  private readonly store: AckStore;
  private readonly firstPollMs: number;
  private readonly maxPollMs: number;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;

  constructor(options: AckCollectorOptions) {
    this.store = options.store;
    this.firstPollMs = options.firstPollMs ?? 25;
    this.maxPollMs = options.maxPollMs ?? 400;
    this.sleep = options.sleep;
  }

  async collect(
    id: string,
    recipients: readonly SocketId[],
    deadline: number,
  ): Promise<CollectedAnswers> {
    let answers = new Map<SocketId, unknown[]>();
    try {
      ({ value: answers } = await pollUntil({
        read: () => this.store.answers(id),
        isDone: (read) => recipients.every((recipient) => read.has(recipient)),
        deadline: () => deadline,
        firstWaitMs: this.firstPollMs,
        maxWaitMs: this.maxPollMs,
        sleep: this.sleep,
      }));
    } finally {
      await this.store.delete(id).catch(() => undefined);
    }
    return {
      answers: recipients.flatMap((recipient) => {
        const args = answers.get(recipient);
        return args ? [{ id: recipient, args }] : [];
      }),
      complete: recipients.every((recipient) => answers.has(recipient)),
    };
  }
}
