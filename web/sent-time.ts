/**
 * The time a log line shows: `14:02:11` for today, `3 Jun 14:02` for an earlier day (stored
 * history can be a day old). `now` is the page's clock.
 *
 * @example
 * formatSentTime(new Date(2026, 5, 3, 14, 2, 11), new Date(2026, 5, 3, 15, 0)); // '14:02:11'
 */
export function formatSentTime(sent: Date, now: Date): string {
  if (sent.toDateString() === now.toDateString()) {
    return sent.toLocaleTimeString([], { hour12: false });
  }
  const day = sent.toLocaleDateString([], { day: 'numeric', month: 'short' });
  return `${day} ${sent.toLocaleTimeString([], { hour12: false, hour: '2-digit', minute: '2-digit' })}`;
}
