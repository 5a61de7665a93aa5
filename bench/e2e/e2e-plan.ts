/** Sizes of one end-to-end run; every phase is bounded in count and time. */
export interface E2ePlan {
  /** Sequential direct messages, one sender to one receiver. */
  readonly directMessages: number;
  /** Members of the room, the sender included. */
  readonly roomMembers: number;
  /** Sequential room messages from one sender (latency). */
  readonly roomMessages: number;
  /** Members sending at once in the throughput phase, each at the rate limit. */
  readonly throughputSenders: number;
  /** Messages each throughput sender posts. */
  readonly throughputMessagesPerSender: number;
  /**
   * Bursts like the first, between it and the measured warm one. A container compiles its
   * hot code over its first dozens of invocations (V8's optimizing tiers), and up to eight
   * containers share each burst's messages: the burst right after the first still pays for
   * that compilation (the message function's CPU per delivery falls by almost half over
   * the next few bursts), so "warm" means after these.
   */
  readonly warmUpBursts: number;
  /**
   * Members sending at once in the capacity phase, warm: more than the runtime can take on a
   * small machine, so that what it delivers is its capacity, not the load offered.
   */
  readonly capacitySenders: number;
  /**
   * Sockets of the namespace for the last burst, a `broadcast` to every other one (the room's
   * members included, the others opened without joining anything): each message then reaches
   * ten times the recipients for the same per-message work (one invocation, its DynamoDB
   * requests), so deliveries per second measure the cost of a delivery rather than of a message.
   */
  readonly broadcastMembers: number;
  /** Sockets broadcasting at once, warm. */
  readonly broadcastSenders: number;
  /** Messages each of them posts. */
  readonly broadcastMessagesPerSender: number;
  /**
   * Messages per second each of them posts: under the rate limit, as a few senders at the
   * limit queue dozens of 1,000-recipient fan-outs at once, and eight containers posting
   * 64 each in parallel thrash two cores rather than deliver more (3 senders at 10 per
   * second: about 4,000 deliveries per second, at 3 per second: about 8,000).
   */
  readonly broadcastRatePerSender: number;
  /** Connections opened at once while probing how many are held. */
  readonly connectBatch: number;
  /** The most connections the probe opens. */
  readonly maxConnections: number;
  /** The probe stops once this process's RSS has grown by this much (megabytes). */
  readonly maxRssGrowthMb: number;
  /** Per-connection rate limit the senders are paced to (frames per second). */
  readonly refillPerSecond: number;
}

export const QUICK_E2E_PLAN: E2ePlan = {
  directMessages: 100,
  roomMembers: 100,
  roomMessages: 30,
  throughputSenders: 5,
  throughputMessagesPerSender: 20,
  warmUpBursts: 4,
  capacitySenders: 8,
  broadcastMembers: 1_000,
  broadcastSenders: 3,
  broadcastMessagesPerSender: 10,
  broadcastRatePerSender: 3,
  connectBatch: 250,
  maxConnections: 2_000,
  maxRssGrowthMb: 1_024,
  refillPerSecond: 10,
};

export const FULL_E2E_PLAN: E2ePlan = {
  directMessages: 500,
  roomMembers: 100,
  roomMessages: 200,
  throughputSenders: 10,
  throughputMessagesPerSender: 50,
  warmUpBursts: 2,
  capacitySenders: 16,
  broadcastMembers: 1_000,
  broadcastSenders: 3,
  broadcastMessagesPerSender: 20,
  broadcastRatePerSender: 3,
  connectBatch: 250,
  maxConnections: 5_000,
  maxRssGrowthMb: 3_072,
  refillPerSecond: 10,
};
