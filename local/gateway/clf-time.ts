const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Formats a time in Common Log Format, UTC, as API Gateway's `requestContext.requestTime`.
 *
 * @example
 * formatClfTime(Date.UTC(2024, 0, 20, 11, 55)); // '20/Jan/2024:11:55:00 +0000'
 */
export function formatClfTime(epochMs: number): string {
  const date = new Date(epochMs);
  const day = pad(date.getUTCDate());
  const month = MONTHS[date.getUTCMonth()];
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map(pad).join(':');
  return `${day}/${month}/${date.getUTCFullYear()}:${time} +0000`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
