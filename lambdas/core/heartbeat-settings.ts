/**
 * The Socket.IO heartbeat. Engine.IO v4 clients close a connection on which the server has not
 * pinged for `pingInterval + pingTimeout`, and API Gateway closes one idle for 10 minutes. One
 * scheduled function ticks every `tickMs`; connections are spread over `pingIntervalMs /
 * tickMs` slots by the time they connected, and each tick pings the one slot due, so every
 * connection hears a ping every `pingIntervalMs`: no timer or queued message per connection.
 */
export interface HeartbeatSettings {
  /** Milliseconds between two pings of a connection (announced in the open packet). */
  readonly pingIntervalMs: number;
  /** Milliseconds a client waits past `pingIntervalMs` before it gives the connection up. */
  readonly pingTimeoutMs: number;
  /** Milliseconds between two ticks of the schedule (a minute on AWS: EventBridge's finest rate). */
  readonly tickMs: number;
}

/** Every 4 minutes, a client waiting 2 more; ticks every minute: 4 slots. */
export const DEFAULT_HEARTBEAT: HeartbeatSettings = {
  pingIntervalMs: 240_000,
  pingTimeoutMs: 120_000,
  tickMs: 60_000,
};

/** How many slots the connections are spread over. */
export function heartbeatSlots(settings: HeartbeatSettings): number {
  return Math.max(1, Math.round(settings.pingIntervalMs / settings.tickMs));
}

/**
 * The slot of the tick at `at` (epoch ms), and of a connection that connected then: the tick
 * of a connection's own slot comes within `pingIntervalMs` of its connecting, and every
 * `pingIntervalMs` after.
 *
 * @example
 * heartbeatSlot(Date.UTC(2026, 11, 4, 6, 3), DEFAULT_HEARTBEAT); // 3 (minute 363 of the day, mod 4)
 */
export function heartbeatSlot(at: number, settings: HeartbeatSettings): number {
  return Math.floor(at / settings.tickMs) % heartbeatSlots(settings);
}
