/**
 * The last `capacity` message ids seen, oldest forgotten first: how the socket delivers once a
 * message the server stored in several durable rooms (one id for all) that reaches it through
 * more than one of them, live or recovered.
 *
 * @example
 * const seen = new RecentIds(1_000);
 * seen.firstTime('m1'); // true
 * seen.firstTime('m1'); // false
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** True the first time `id` is seen (it is remembered then), false afterwards. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
    return true;
  }
}
