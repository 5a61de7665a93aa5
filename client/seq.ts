/**
 * Whether `value` is a room sequence number as the server stamps it on durable room events:
 * a safe integer ≥ 1 (`{ ..., "room": "lobby", "seq": 42 }`).
 *
 * @example
 * isSeq(42); // true
 * isSeq(0); // false: 0 is only a cursor ("nothing seen yet"), see isCursorSeq
 */
export function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/**
 * Whether `value` is a valid cursor position (`since`, `lastSeq`): a safe integer ≥ 0, where 0
 * means "nothing seen yet".
 *
 * @example
 * isCursorSeq(0); // true
 */
export function isCursorSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
