import type { Distribution } from '../load/stats';
import type { ConnectionProbeResult } from './connection-probe';
import type { E2ePlan } from './e2e-plan';
import type { DirectResult, RoomResult, ThroughputResult } from './message-latency';

/** Everything one end-to-end run measured. */
export interface E2eResults {
  readonly plan: E2ePlan;
  readonly direct: DirectResult;
  readonly room: RoomResult;
  readonly throughput: ThroughputResult;
  readonly connections: ConnectionProbeResult;
}

/** Milliseconds with one decimal, or `–` when there is no sample. */
export function ms(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

const count = (value: number): string => value.toLocaleString('en-US');
const kb = (value: number | null): string => (value === null ? '–' : `${count(value)} KB`);
const mb = (value: number | null): string => (value === null ? '–' : `${value.toFixed(1)} MB`);

function latencyRow(label: string, samples: Distribution, note: string): string {
  return `| ${label} | ${count(samples.count)} | ${ms(samples.p50)} | ${ms(samples.p99)} | ${ms(samples.max)} | ${note} |`;
}

/**
 * The end-to-end section of BENCHMARKS.md: latency, deliveries per second and connections held.
 *
 * @example
 * const markdown = formatE2eMarkdown(results);
 */
export function formatE2eMarkdown(results: E2eResults): string {
  const { plan, direct, room, throughput, connections } = results;
  const last = connections.steps[connections.steps.length - 1] ?? connections.before;
  return [
    'The local runtime (the API Gateway emulator, the real handlers in containers of their',
    'own: one Node process each, at most 8 per function; DynamoDB Local in memory) on this',
    "machine, driven over loopback WebSockets by clients in the gateway's Node process. Senders",
    `are paced to the per-connection rate limit (${plan.refillPerSecond} frames/s), so the figures are latency, not the`,
    "limiter's queue. Every delivery is a signed HTTP post from a container to the gateway, and",
    'everything shares 2 cores: the 5-sender case is CPU-bound.',
    '',
    '| Measure | Samples | p50 (ms) | p99 (ms) | max (ms) | Notes |',
    '| --- | --- | --- | --- | --- | --- |',
    latencyRow(
      'Direct message, send → receive',
      direct.latencyMs,
      `${count(direct.messages)} sequential, ${direct.lost} lost`,
    ),
    latencyRow(
      `Room of ${room.members}, send → last recipient`,
      room.lastRecipientMs,
      `${count(room.messages)} sequential messages, ${room.recipientsPerMessage} recipients each, ${room.lost} lost`,
    ),
    latencyRow(
      `Room of ${room.members}, send → each recipient`,
      room.eachRecipientMs,
      'every delivery of the messages above',
    ),
    latencyRow(
      `Room of ${room.members}, ${throughput.senders} senders at once, send → each recipient`,
      throughput.eachRecipientMs,
      `${count(throughput.messages)} messages, ${count(throughput.deliveries)} of ${count(throughput.expectedDeliveries)} delivered`,
    ),
    '',
    '| Deliveries per second | Value |',
    '| --- | --- |',
    `| One sender, one message at a time (deliveries ÷ time from send to last recipient) | ${count(room.deliveriesPerSecond)} |`,
    `| ${throughput.senders} senders at the rate limit (deliveries ÷ first send to last receipt, ${count(throughput.windowMs)} ms) | ${count(throughput.deliveriesPerSecond)} |`,
    '',
    '| Concurrent connections | Value |',
    '| --- | --- |',
    `| Held at once (all answering \`whoami\`) | ${count(connections.held)} of at most ${count(plan.maxConnections)} |`,
    `| Stopped by | ${connections.stoppedBy} |`,
    `| Opened in batches of | ${count(plan.connectBatch)} |`,
    `| Connect + \`whoami\` of one socket within its batch, p50 / p99 | ${ms(connections.connectMs.p50)} / ${ms(connections.connectMs.p99)} ms |`,
    `| Wall time per connect (batches ÷ connections opened) | ${ms(connections.msPerConnect)} ms |`,
    `| Node RSS, before → held | ${mb(connections.before.rssMb)} → ${mb(last.rssMb)} (${kb(connections.rssKbPerConnection)} per connection) |`,
    `| Node heap used, before → held | ${mb(connections.before.heapUsedMb)} → ${mb(last.heapUsedMb)} (${kb(connections.heapKbPerConnection)} per connection) |`,
    `| DynamoDB Local RSS, before → held | ${mb(connections.before.dynamoDbRssMb)} → ${mb(last.dynamoDbRssMb)} (${kb(connections.dynamoDbRssKbPerConnection)} per connection) |`,
    `| Closing them all (\`$disconnect\` each) | ${count(connections.closeMs)} ms |`,
    '',
    "Node RSS is the gateway's process, with the client sockets: the containers are processes",
    "of their own, not counted. Java's RSS grows by heap reservations, not per item, so its",
    'per-connection figure is coarse. Connections opened 250 at once each run the authorizer,',
    '`$connect` and a `whoami` in containers that cold-start under that load: a handshake that',
    'waits over 10 s stops the probe, as it did here.',
  ].join('\n');
}
