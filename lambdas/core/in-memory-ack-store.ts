import type { AckStore, PendingAck } from './ports';
import type { SocketId } from './types';

/**
 * `AckStore` in this process's memory: for tests and a single process. Answers are copied
 * through JSON, as the DynamoDB store keeps them.
 *
 * @example
 * const acks = new InMemoryAckStore();
 * await acks.create({ id: 'a1', recipients: ['R1kmxc2VNjMCFIA='], expiresAt });
 */
export class InMemoryAckStore implements AckStore {
  private readonly pending = new Map<
    string,
    { readonly ack: PendingAck; readonly answers: Map<SocketId, unknown[]> }
  >();

  constructor(private readonly nowSeconds: () => number = () => Date.now() / 1000) {}

  async create(ack: PendingAck): Promise<void> {
    this.pending.set(ack.id, {
      ack: { ...ack, recipients: [...ack.recipients] },
      answers: new Map(),
    });
  }

  async answer(id: string, from: SocketId, args: readonly unknown[]): Promise<boolean> {
    const entry = this.live(id);
    if (!entry?.ack.recipients.includes(from) || entry.answers.has(from)) return false;
    entry.answers.set(from, JSON.parse(JSON.stringify(args)));
    return true;
  }

  async answers(id: string): Promise<Map<SocketId, unknown[]>> {
    return new Map(this.live(id)?.answers ?? []);
  }

  async delete(id: string): Promise<void> {
    this.pending.delete(id);
  }

  private live(id: string) {
    const entry = this.pending.get(id);
    return entry && entry.ack.expiresAt > this.nowSeconds() ? entry : undefined;
  }
}
