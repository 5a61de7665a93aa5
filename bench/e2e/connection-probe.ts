import { performance } from 'node:perf_hooks';
import { mapWithConcurrency } from '../../lambdas/core/map-with-concurrency';
import { type Distribution, distribution } from '../load/stats';
import { type E2eClient, openE2eClient } from './e2e-client';
import { rssMb } from './process-memory';

export interface ConnectionProbePlan {
  readonly batch: number;
  readonly max: number;
  readonly maxRssGrowthMb: number;
}

/** After one batch: how many are held and what the processes use. */
export interface ProbeStep {
  readonly held: number;
  readonly batchMs: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly dynamoDbRssMb: number | null;
}

export interface ConnectionProbeResult {
  /** Connections open at once at the end of the probe, every one answering. */
  readonly held: number;
  /** Why the probe stopped: `bound` (reached `max`), `memory` or the first failure. */
  readonly stoppedBy: string;
  readonly before: ProbeStep;
  readonly steps: readonly ProbeStep[];
  /** Handshake plus `whoami`, per connection (milliseconds). */
  readonly connectMs: Distribution;
  /** Wall time of the batches over the connections they opened: the rate the runtime sustains. */
  readonly msPerConnect: number | null;
  /** Node (gateway, handlers and clients in one process) RSS growth per connection. */
  readonly rssKbPerConnection: number | null;
  readonly heapKbPerConnection: number | null;
  readonly dynamoDbRssKbPerConnection: number | null;
  readonly closeMs: number;
}

const MB = 1024 * 1024;

async function snapshot(
  held: number,
  batchMs: number,
  dynamoDbPid: number | undefined,
): Promise<ProbeStep> {
  const memory = process.memoryUsage();
  const dynamoDb = dynamoDbPid === undefined ? undefined : await rssMb(dynamoDbPid);
  return {
    held,
    batchMs: Math.round(batchMs),
    rssMb: Math.round((memory.rss / MB) * 10) / 10,
    heapUsedMb: Math.round((memory.heapUsed / MB) * 10) / 10,
    dynamoDbRssMb: dynamoDb ?? null,
  };
}

/**
 * The first batch: the authorizer's, `$connect`'s and the message function's containers start
 * under it. A first batch of 250 started about 20 containers at once on 2 cores, and a
 * handshake then waited over 10 s in one run of three: the probe measured cold starts, not
 * connections held. Batches double from here up to the plan's size.
 */
const FIRST_BATCH = 25;

const perConnectionKb = (from: number | null, to: number | null, count: number): number | null =>
  from === null || to === null || count === 0 ? null : Math.round(((to - from) * 1024) / count);

/**
 * Opens connections to `url` in batches (25, then doubling up to `plan.batch`) until
 * `plan.max` are held, one fails, or this process's RSS grew by `plan.maxRssGrowthMb`; then
 * closes them all.
 *
 * @example
 * const probe = await probeConnections(runtime.gateway.url, { batch: 250, max: 2_000, maxRssGrowthMb: 1_024 }, pid, console.error);
 */
export async function probeConnections(
  url: string,
  plan: ConnectionProbePlan,
  dynamoDbPid: number | undefined,
  log: (line: string) => void,
): Promise<ConnectionProbeResult> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = await snapshot(0, 0, dynamoDbPid);
  const clients: E2eClient[] = [];
  const connectMs: number[] = [];
  const steps: ProbeStep[] = [];
  let stoppedBy = 'bound';
  try {
    while (clients.length < plan.max) {
      const ramp = Math.max(FIRST_BATCH, clients.length);
      const size = Math.min(plan.batch, ramp, plan.max - clients.length);
      const started = performance.now();
      const opened = await Promise.allSettled(
        Array.from({ length: size }, async () => {
          const at = performance.now();
          const client = await openE2eClient(url);
          connectMs.push(performance.now() - at);
          return client;
        }),
      );
      const batchMs = performance.now() - started;
      const failures: string[] = [];
      for (const result of opened)
        if (result.status === 'fulfilled') clients.push(result.value);
        else
          failures.push(
            String(result.reason instanceof Error ? result.reason.message : result.reason),
          );
      const dropped = clients.filter((client) => client.closedUnexpectedly !== undefined);
      const step = await snapshot(clients.length - dropped.length, batchMs, dynamoDbPid);
      steps.push(step);
      log(
        `e2e: ${step.held} connections held, node RSS ${step.rssMb} MB, batch ${step.batchMs} ms`,
      );
      if (failures.length > 0 || dropped.length > 0) {
        stoppedBy = `failure: ${failures[0] ?? `closed ${dropped[0]?.closedUnexpectedly}`}`;
        break;
      }
      if (step.rssMb - before.rssMb > plan.maxRssGrowthMb) {
        stoppedBy = 'memory';
        break;
      }
    }
    // Every held connection must still answer, or it is not counted as held.
    const alive = await mapWithConcurrency(clients, 50, (client) =>
      client.socket.request('whoami', undefined, 10_000),
    );
    const answering = alive.filter(
      (result) => result.status === 'fulfilled' && result.value.error === undefined,
    ).length;
    const last = steps[steps.length - 1] ?? before;
    const held = Math.min(answering, last.held);
    return {
      held,
      stoppedBy,
      before,
      steps,
      connectMs: distribution(connectMs),
      msPerConnect:
        connectMs.length === 0
          ? null
          : Math.round(
              (steps.reduce((sum, step) => sum + step.batchMs, 0) / connectMs.length) * 10,
            ) / 10,
      rssKbPerConnection: perConnectionKb(before.rssMb, last.rssMb, last.held),
      heapKbPerConnection: perConnectionKb(before.heapUsedMb, last.heapUsedMb, last.held),
      dynamoDbRssKbPerConnection: perConnectionKb(
        before.dynamoDbRssMb,
        last.dynamoDbRssMb,
        last.held,
      ),
      closeMs: Math.round(await closeAll(clients)),
    };
  } catch (error) {
    await closeAll(clients);
    throw error;
  }
}

/** Closes every client (each `$disconnect` runs), 100 at a time; resolves with the time it took. */
export async function closeAll(clients: readonly E2eClient[]): Promise<number> {
  const started = performance.now();
  await mapWithConcurrency(clients, 100, (client) => client.socket.close(5_000));
  return performance.now() - started;
}
