/**
 * Event names that are lifecycle hooks or protocol signals and never events: a handler
 * cannot be registered for them (but the hooks) and nothing may emit them. Socket.IO's list,
 * plus `connection` and `error` (this protocol's failure frame).
 *
 * @example
 * RESERVED_EVENTS.has('disconnect'); // true
 */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'connect',
  'connect_error',
  'connection',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
]);
