import type { LoadSummary } from './load-runner';

/**
 * The summary as a Markdown table (what `docs/reliability.md` records), followed by the
 * first examples of anything that went wrong.
 *
 * @example
 * console.log(formatSummary(await runLoad(plan)));
 */
export function formatSummary(summary: LoadSummary): string {
  const { plan, ledger, errors, deliveryLatencyMs: delivery, ackLatencyMs: ack } = summary;
  const failed = Object.entries(errors)
    .filter(([name, count]) => name !== 'total' && count > 0)
    .map(([name, count]) => `${name} ${count}`);
  const rows: [string, string][] = [
    ['result', summary.ok ? 'PASS' : summary.timedOut ? 'FAIL (timed out)' : 'FAIL'],
    ['messages sent / acked', `${ledger.messagesSent} / ${ledger.messagesAcked}`],
    ['deliveries expected / received', `${ledger.expected} / ${ledger.delivered}`],
    [
      'lost / duplicated / misdelivered',
      `${ledger.lost} / ${ledger.duplicated} / ${ledger.misdelivered}`,
    ],
    ['errors', failed.length === 0 ? '0' : `${errors.total} (${failed.join(', ')})`],
    [
      'delivery latency p50 / p90 / p99 / max',
      `${ms(delivery.p50)} / ${ms(delivery.p90)} / ${ms(delivery.p99)} / ${ms(delivery.max)}`,
    ],
    ['ack round trip p50 / p99', `${ms(ack.p50)} / ${ms(ack.p99)}`],
    ['deliveries per second', Math.round(summary.deliveriesPerSecond).toString()],
    ['messages (acked) per second', Math.round(summary.messagesPerSecond).toString()],
    [
      'set-up / send window / wall',
      `${s(summary.setupMs)} / ${s(summary.sendWindowMs)} / ${s(summary.wallMs)}`,
    ],
  ];
  const lines = [
    `${plan.clients} clients, ${plan.rooms} rooms, ${plan.messages} messages each, ` +
      `${plan.concurrency} in flight per client (${summary.target})`,
    '',
    '| metric | value |',
    '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
  ];
  if (ledger.examples.length > 0)
    lines.push('', 'First problems:', ...ledger.examples.map((example) => `- ${example}`));
  return lines.join('\n');
}

function ms(value: number | null): string {
  return value === null ? '-' : `${value.toFixed(1)} ms`;
}

function s(value: number): string {
  return `${(value / 1_000).toFixed(1)} s`;
}
