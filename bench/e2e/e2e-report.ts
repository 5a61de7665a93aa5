import type { Distribution } from '../load/stats';
import type { ConnectionProbeResult } from './connection-probe';
import type { E2ePlan } from './e2e-plan';
import type { DirectResult, RoomResult, ThroughputResult } from './message-latency';

/** One of the bursts that warm the containers up, with the CPU it used by process role. */
export interface WarmUpBurst {
  readonly throughput: ThroughputResult;
  /** CPU ms by process role (Linux only). */
  readonly cpu?: Readonly<Record<string, number>>;
}

/** Everything one end-to-end run measured. */
export interface E2eResults {
  readonly plan: E2ePlan;
  /** CPUs this machine offers (`os.availableParallelism()`). */
  readonly cores: number;
  readonly direct: DirectResult;
  readonly room: RoomResult;
  /** The senders' first burst: the message function's containers start as it runs. */
  readonly throughputCold: ThroughputResult;
  /** The same burst, `plan.warmUpBursts` times, on the containers the first one started. */
  readonly warmUp: readonly WarmUpBurst[];
  /** The same burst again, on warm containers. */
  readonly throughput: ThroughputResult;
  /** More senders than the runtime can serve, warm: its capacity. */
  readonly capacity: ThroughputResult;
  /**
   * The first `broadcast` burst to the namespace grown to `plan.broadcastMembers` sockets:
   * the containers are warm, their keep-alive sockets to the gateway (closed while the
   * namespace grew) are not.
   */
  readonly broadcastFirst: ThroughputResult;
  /** The same burst again: the capacity when each message reaches many recipients. */
  readonly broadcast: ThroughputResult;
  /** CPU ms used during `throughput`, by process role (Linux only). */
  readonly throughputCpu?: Readonly<Record<string, number>>;
  /** CPU ms used during `broadcast`, by process role (Linux only). */
  readonly broadcastCpu?: Readonly<Record<string, number>>;
  readonly connections: ConnectionProbeResult;
}

/** Issue 18's goal for the local runtime on the benchmark machine. */
export const CAPACITY_GOAL_PER_SECOND = 5_000;

/** Milliseconds with one decimal, or `–` when there is no sample. */
export function ms(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

const count = (value: number): string => value.toLocaleString('en-US');
const kb = (value: number | null): string => (value === null ? '–' : `${count(value)} KB`);
const mb = (value: number | null): string => (value === null ? '–' : `${value.toFixed(1)} MB`);

/** CPU per delivery in µs, from CPU ms over a burst. */
function perDelivery(cpuMs: number, deliveries: number): number {
  return (cpuMs * 1_000) / deliveries;
}

/**
 * Where the warm burst's CPU went, per delivery, beside the broadcast burst's, and the
 * ceiling each puts on this machine.
 */
function cpuTable(results: E2eResults): string[] {
  const { throughputCpu, throughput, broadcast, broadcastCpu, cores, plan } = results;
  if (!throughputCpu || throughput.deliveries === 0) return [];
  const large = broadcastCpu && broadcast.deliveries > 0 ? broadcastCpu : undefined;
  const roles = [...new Set([...Object.keys(throughputCpu), ...Object.keys(large ?? {})])]
    .map((role) => [role, throughputCpu[role] ?? 0] as const)
    .sort(([, a], [, b]) => b - a)
    .map(([role]) => role);
  const sum = (cpu: Readonly<Record<string, number>>) =>
    Object.values(cpu).reduce((total, cpuMs) => total + cpuMs, 0);
  const cells =
    (cpu: Readonly<Record<string, number>> | undefined, deliveries: number) =>
    (role: string | undefined) => {
      if (!cpu) return [];
      const cpuMs = role === undefined ? sum(cpu) : (cpu[role] ?? 0);
      return [count(Math.round(cpuMs)), count(Math.round(perDelivery(cpuMs, deliveries)))];
    };
  const warm = cells(throughputCpu, throughput.deliveries);
  const broadcasting = cells(large, broadcast.deliveries);
  const row = (label: string, role: string | undefined) =>
    `| ${[label, ...warm(role), ...broadcasting(role)].join(' | ')} |`;
  const ceiling = (cpuMs: number, deliveries: number) =>
    count(Math.floor((cores * 1_000 * deliveries) / cpuMs));
  const warmTotal = sum(throughputCpu);
  return [
    large
      ? `| CPU by process | warm ${throughput.senders}-sender burst (ms) | per delivery (µs) | broadcast to ${count(plan.broadcastMembers)} (ms) | per delivery (µs) |`
      : `| Warm burst: CPU by process | CPU (ms) | per delivery (µs) |`,
    large ? '| --- | ---: | ---: | ---: | ---: |' : '| --- | ---: | ---: |',
    ...roles.map((role) => row(role, role)),
    row('all', undefined),
    '',
    `CPU is user plus system time from \`/proc\` over each burst. At ${count(Math.round(perDelivery(warmTotal, throughput.deliveries)))} µs per delivery, ${cores} cores deliver at most ${ceiling(warmTotal, throughput.deliveries)} per second in the room of ${count(results.room.members)}: its ceiling on this machine, whatever the senders.` +
      (large
        ? ` Broadcasting to ${count(plan.broadcastMembers)} sockets, ${count(Math.round(perDelivery(sum(large), broadcast.deliveries)))} µs per delivery, at most ${ceiling(sum(large), broadcast.deliveries)} per second: a message's own work (its invocation, its DynamoDB requests) is spread over ${count(plan.broadcastMembers - 1)} recipients instead of ${count(results.room.recipientsPerMessage)}, so what is left is the cost of a delivery (a signed post, the gateway's check and WebSocket frame, the client).`
        : ''),
    '',
  ];
}

/** The warm-up bursts, then the measured one: how the containers got warm. */
function warmUpTable(results: E2eResults): string[] {
  const { warmUp, throughput, throughputCpu } = results;
  if (warmUp.length === 0) return [];
  const total = (cpu: Readonly<Record<string, number>> | undefined) =>
    cpu && Object.values(cpu).reduce((sum, cpuMs) => sum + cpuMs, 0);
  const row = (label: string, burst: ThroughputResult, cpu?: Readonly<Record<string, number>>) => {
    const all = total(cpu);
    const message = cpu?.message;
    const each = (cpuMs: number | undefined) =>
      cpuMs === undefined || burst.deliveries === 0
        ? '–'
        : count(Math.round(perDelivery(cpuMs, burst.deliveries)));
    return `| ${label} | ${count(burst.deliveriesPerSecond)} | ${ms(burst.eachRecipientMs.p99)} | ${each(all)} | ${each(message)} |`;
  };
  return [
    `| ${throughput.senders}-sender burst | deliveries/s | p99 send → each recipient (ms) | CPU per delivery, all processes (µs) | of which \`message\` (µs) |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...warmUp.map((burst, index) => row(`warm-up ${index + 1}`, burst.throughput, burst.cpu)),
    row('**warm** (measured)', throughput, throughputCpu),
    '',
  ];
}

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
  const { plan, direct, room, throughputCold, throughput, capacity, connections } = results;
  const { broadcastFirst, broadcast } = results;
  const offered = (senders: number) => senders * plan.refillPerSecond * room.recipientsPerMessage;
  const broadcastOffered =
    broadcast.senders * plan.broadcastRatePerSender * (plan.broadcastMembers - 1);
  const met = (deliveriesPerSecond: number) =>
    deliveriesPerSecond >= CAPACITY_GOAL_PER_SECOND ? 'met' : '**not met**';
  const last = connections.steps[connections.steps.length - 1] ?? connections.before;
  return [
    'The local runtime (the API Gateway emulator, the real handlers in containers of their',
    'own: one Node process each, at most 8 per function; DynamoDB Local in memory) on this',
    "machine, driven over loopback WebSockets by clients in the gateway's Node process. Senders",
    `are paced to the per-connection rate limit (${plan.refillPerSecond} frames/s), so the figures are latency, not the`,
    "limiter's queue. Every delivery is a signed HTTP post from a container to the gateway, and",
    `everything shares ${results.cores} cores: the ${throughput.senders}-sender case is CPU-bound. Its burst runs first while`,
    "the message function's containers start (up to 8, each a cold start), then",
    `${plan.warmUpBursts} times more to warm them up (a container's hot code is compiled over its first dozens of`,
    'invocations; these bursts are shown below the tables), then once more, measured, on warm',
    `containers. Another burst, ${plan.capacitySenders} senders at once, offers more than the runtime can take on a small`,
    `machine: what it delivers is its capacity. Then the namespace grows to ${count(plan.broadcastMembers)} sockets and ${plan.broadcastSenders} of them`,
    `\`broadcast\` ${plan.broadcastMessagesPerSender} messages each at ${plan.broadcastRatePerSender} per second, twice: the capacity when each message reaches ${count(plan.broadcastMembers - 1)}`,
    "recipients, the same path as a room's fan-out (the first time, the containers reopen the",
    'keep-alive sockets to the gateway that closed while the namespace grew).',
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
      `Room of ${room.members}, ${throughputCold.senders} senders at once, containers starting, send → each recipient`,
      throughputCold.eachRecipientMs,
      `${count(throughputCold.messages)} messages, ${count(throughputCold.deliveries)} of ${count(throughputCold.expectedDeliveries)} delivered`,
    ),
    latencyRow(
      `Room of ${room.members}, ${throughput.senders} senders at once, warm, send → each recipient`,
      throughput.eachRecipientMs,
      `${count(throughput.messages)} messages, ${count(throughput.deliveries)} of ${count(throughput.expectedDeliveries)} delivered`,
    ),
    '',
    '| Deliveries per second | Value |',
    '| --- | --- |',
    `| One sender, one message at a time (deliveries ÷ time from send to last recipient) | ${count(room.deliveriesPerSecond)} |`,
    `| ${throughputCold.senders} senders at the rate limit, containers starting (deliveries ÷ first send to last receipt, ${count(throughputCold.windowMs)} ms) | ${count(throughputCold.deliveriesPerSecond)} |`,
    `| ${throughput.senders} senders at the rate limit, warm (deliveries ÷ first send to last receipt, ${count(throughput.windowMs)} ms) | ${count(throughput.deliveriesPerSecond)} |`,
    `| At most, as offered: ${throughput.senders} senders × ${plan.refillPerSecond} messages/s × ${count(room.recipientsPerMessage)} recipients | ${count(offered(throughput.senders))} |`,
    `| **Capacity**: ${capacity.senders} senders at the rate limit, warm, ${count(offered(capacity.senders))}/s offered (${count(capacity.deliveries)} of ${count(capacity.expectedDeliveries)} delivered in ${count(capacity.windowMs)} ms; p99 send → each recipient ${ms(capacity.eachRecipientMs.p99)} ms) | ${count(capacity.deliveriesPerSecond)} |`,
    `| Broadcast to ${count(plan.broadcastMembers)} sockets, first burst: ${broadcastFirst.senders} senders × ${plan.broadcastRatePerSender} messages/s (${count(broadcastFirst.deliveries)} of ${count(broadcastFirst.expectedDeliveries)} delivered in ${count(broadcastFirst.windowMs)} ms; p99 send → each recipient ${ms(broadcastFirst.eachRecipientMs.p99)} ms) | ${count(broadcastFirst.deliveriesPerSecond)} |`,
    `| **Capacity, broadcast to ${count(plan.broadcastMembers)} sockets**: ${broadcast.senders} senders × ${plan.broadcastRatePerSender} messages/s, again, ${count(broadcastOffered)}/s offered (${count(broadcast.deliveries)} of ${count(broadcast.expectedDeliveries)} delivered in ${count(broadcast.windowMs)} ms; p99 send → each recipient ${ms(broadcast.eachRecipientMs.p99)} ms) | ${count(broadcast.deliveriesPerSecond)} |`,
    '',
    `Goal: at least ${count(CAPACITY_GOAL_PER_SECOND)} deliveries per second, and p99 under 1 s in the warm ${throughput.senders}-sender case: capacity in the room of ${count(room.members)} ${met(capacity.deliveriesPerSecond)}, broadcasting to ${count(plan.broadcastMembers)} sockets ${met(broadcast.deliveriesPerSecond)}; p99 ${throughput.eachRecipientMs.p99 !== null && throughput.eachRecipientMs.p99 < 1_000 ? 'met' : '**not met**'}.`,
    '',
    ...warmUpTable(results),
    ...cpuTable(results),
    '| Concurrent connections | Value |',
    '| --- | --- |',
    `| Held at once (all answering \`whoami\`) | ${count(connections.held)} of at most ${count(plan.maxConnections)} |`,
    `| Stopped by | ${connections.stoppedBy} |`,
    `| Opened in batches of | 25, doubling up to ${count(plan.connectBatch)} |`,
    `| Connect + \`whoami\` of one socket within its batch, p50 / p99 | ${ms(connections.connectMs.p50)} / ${ms(connections.connectMs.p99)} ms |`,
    `| Wall time per connect (batches ÷ connections opened) | ${ms(connections.msPerConnect)} ms |`,
    `| Node RSS, before → held | ${mb(connections.before.rssMb)} → ${mb(last.rssMb)} (${kb(connections.rssKbPerConnection)} per connection) |`,
    `| Node heap used, before → held | ${mb(connections.before.heapUsedMb)} → ${mb(last.heapUsedMb)} (${kb(connections.heapKbPerConnection)} per connection) |`,
    `| DynamoDB Local RSS, before → held | ${mb(connections.before.dynamoDbRssMb)} → ${mb(last.dynamoDbRssMb)} (${kb(connections.dynamoDbRssKbPerConnection)} per connection) |`,
    `| Closing them all (\`$disconnect\` each) | ${count(connections.closeMs)} ms |`,
    '',
    "Node RSS is the gateway's process, with the client sockets: the containers are processes",
    "of their own, not counted. Java's RSS grows by heap reservations, not per item, so its",
    `per-connection figure is coarse. Connections opened up to ${count(plan.connectBatch)} at once each run the authorizer,`,
    '`$connect` and a `whoami`; the first, smaller batches start those containers: a handshake that',
    connections.stoppedBy === 'bound'
      ? `waits over 10 s would stop the probe; here it reached its bound of ${count(plan.maxConnections)}.`
      : `waits over 10 s stops the probe, as it did here (${connections.stoppedBy}).`,
  ].join('\n');
}
