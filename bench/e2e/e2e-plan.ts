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
   * Members sending at once in the capacity phase, warm: more than the runtime can take on a
   * small machine, so that what it delivers is its capacity, not the load offered.
   */
  readonly capacitySenders: number;
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
  capacitySenders: 8,
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
  capacitySenders: 16,
  connectBatch: 250,
  maxConnections: 5_000,
  maxRssGrowthMb: 3_072,
  refillPerSecond: 10,
};
