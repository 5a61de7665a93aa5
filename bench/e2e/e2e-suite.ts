import { availableParallelism } from 'node:os';
import { pollUntil } from '../../lambdas/core/poll-until';
import { silentLogger } from '../../local/gateway';
import { BENCH_USER_LIMITS, type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import type { BenchSuite, Log } from '../bench-section';
import { closeAll, probeConnections } from './connection-probe';
import { type E2eClient, openE2eClient, request } from './e2e-client';
import { type E2ePlan, FULL_E2E_PLAN, QUICK_E2E_PLAN } from './e2e-plan';
import { type E2eResults, formatE2eMarkdown, type WarmUpBurst } from './e2e-report';
import { measureDirect, measureRoom, measureThroughput } from './message-latency';
import { cpuByRole, cpuSnapshot } from './process-cpu';
import { dynamoDbLocalPid } from './process-memory';

const ROOM = 'bench-e2e';

/** How long closed connections may take to leave the gateway. */
const SETTLE_TIMEOUT_MS = 30_000;

/** Clients opened at once while the namespace grows. */
const OPEN_BATCH = 25;

/**
 * Opens clients of namespace `/` until `members` holds `size`. They join no room: a join
 * answers with the room's size and announces the joiner, so growing a room one join at a
 * time costs the square of its size.
 */
async function openUpTo(url: string, members: E2eClient[], size: number): Promise<void> {
  while (members.length < size) {
    const batch = Math.min(OPEN_BATCH, size - members.length);
    members.push(...(await Promise.all(Array.from({ length: batch }, () => openE2eClient(url)))));
  }
}

/** Waits until the gateway holds no connection and every `$disconnect` has returned. */
async function settleClosed(runtime: LocalRuntime): Promise<void> {
  const until = Date.now() + SETTLE_TIMEOUT_MS;
  const { done } = await pollUntil({
    read: async () => runtime.gateway.connectionIds().length,
    isDone: (open) => open === 0,
    deadline: () => until,
    firstWaitMs: 10,
    maxWaitMs: 200,
  });
  if (!done) throw new Error(`connections still open ${SETTLE_TIMEOUT_MS} ms after closing`);
  await runtime.gateway.settled();
}

/**
 * The `e2e` suite: the end-to-end benchmark on a local runtime it starts (anonymous auth).
 *
 * @example
 * const section = await runSuite(E2E_SUITE, QUICK_E2E_PLAN, 'npm run bench -- --suite e2e', console.error);
 */
export const E2E_SUITE: BenchSuite<E2ePlan, E2eResults> = {
  id: 'e2e',
  title: 'End to end on the local runtime',
  plans: { quick: QUICK_E2E_PLAN, full: FULL_E2E_PLAN },
  measure: measureEndToEnd,
  markdown: formatE2eMarkdown,
};

/** Starts a runtime, measures every phase of `plan` and stops it. */
export async function measureEndToEnd(plan: E2ePlan, log: Log): Promise<E2eResults> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const runtime: LocalRuntime = await startLocalRuntime({
    auth: { mode: 'anonymous' },
    gateway: { logger: silentLogger },
    // Senders are paced to the per-connection limit; the per-user budgets (whose windows
    // pacing jitter could straddle) are not what this suite measures.
    environment: BENCH_USER_LIMITS,
  });
  const url = runtime.gateway.url;
  const members: E2eClient[] = [];
  try {
    log(`e2e: ${plan.directMessages} direct messages`);
    const [sender, receiver] = [await openE2eClient(url), await openE2eClient(url)];
    members.push(sender, receiver);
    const direct = await measureDirect(sender, receiver, plan.directMessages, plan.refillPerSecond);

    log(`e2e: room of ${plan.roomMembers}, ${plan.roomMessages} messages`);
    while (members.length < plan.roomMembers) members.push(await openE2eClient(url));
    for (const member of members) await request(member.socket, 'join', { room: ROOM });
    const room = await measureRoom(members, ROOM, plan.roomMessages, plan.refillPerSecond);

    log(
      `e2e: ${plan.throughputSenders} senders × ${plan.throughputMessagesPerSender} messages, ${plan.warmUpBursts + 2} times (containers starting, ${plan.warmUpBursts} to warm up, then warm)`,
    );
    const burst = () =>
      measureThroughput(
        members,
        ROOM,
        plan.throughputSenders,
        plan.throughputMessagesPerSender,
        plan.refillPerSecond,
      );
    const throughputCold = await burst();
    const warmUp: WarmUpBurst[] = [];
    for (let index = 0; index < plan.warmUpBursts; index++) {
      const start = await cpuSnapshot();
      const warming = await burst();
      const end = await cpuSnapshot();
      warmUp.push({ throughput: warming, ...(start && end ? { cpu: cpuByRole(start, end) } : {}) });
    }
    const before = await cpuSnapshot();
    const throughput = await burst();
    const after = await cpuSnapshot();
    const throughputCpu = before && after ? cpuByRole(before, after) : undefined;
    log(
      `e2e: capacity, ${plan.capacitySenders} senders × ${plan.throughputMessagesPerSender} messages`,
    );
    const capacity = await measureThroughput(
      members,
      ROOM,
      plan.capacitySenders,
      plan.throughputMessagesPerSender,
      plan.refillPerSecond,
    );

    log(
      `e2e: broadcast to ${plan.broadcastMembers} sockets, ${plan.broadcastSenders} senders × ${plan.broadcastMessagesPerSender} messages, twice`,
    );
    await openUpTo(url, members, plan.broadcastMembers);
    const broadcastBurst = () =>
      measureThroughput(
        members,
        undefined,
        plan.broadcastSenders,
        plan.broadcastMessagesPerSender,
        plan.broadcastRatePerSender,
      );
    const broadcastFirst = await broadcastBurst();
    const beforeBroadcast = await cpuSnapshot();
    const broadcast = await broadcastBurst();
    const afterBroadcast = await cpuSnapshot();
    const broadcastCpu =
      beforeBroadcast && afterBroadcast ? cpuByRole(beforeBroadcast, afterBroadcast) : undefined;
    await closeAll(members.splice(0));
    // The probe's handshakes would otherwise queue behind a thousand `$disconnect`s.
    await settleClosed(runtime);

    log(`e2e: opening up to ${plan.maxConnections} connections`);
    const connections = await probeConnections(
      url,
      { batch: plan.connectBatch, max: plan.maxConnections, maxRssGrowthMb: plan.maxRssGrowthMb },
      await dynamoDbLocalPid(runtime.dynamoDbEndpoint),
      log,
    );
    return {
      plan,
      cores: availableParallelism(),
      direct,
      room,
      throughputCold,
      warmUp,
      throughput,
      capacity,
      broadcastFirst,
      broadcast,
      ...(throughputCpu ? { throughputCpu } : {}),
      ...(broadcastCpu ? { broadcastCpu } : {}),
      connections,
    };
  } finally {
    await closeAll(members);
    await runtime.close();
  }
}
