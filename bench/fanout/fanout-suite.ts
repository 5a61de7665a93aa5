import { Adapter } from '../../lambdas/core/adapter';
import { InMemoryMembershipStore } from '../../lambdas/core/in-memory-membership-store';
import type {
  BroadcastShard,
  ConnectionPoster,
  PostResult,
  ShardDispatcher,
} from '../../lambdas/core/ports';
import type { SocketId } from '../../lambdas/core/types';
import type { BenchSuite, Log } from '../bench-section';

export interface FanoutPlan {
  /** Room sizes (recipients of one room message). */
  readonly roomSizes: readonly number[];
  /** How long the fake management API takes to answer each post. */
  readonly postDelayMs: number;
  /** Posts in flight at once per invocation (the adapter's `concurrency`). */
  readonly concurrency: number;
  /** Recipients per shard (the adapter's `shardSize`, the stack's default). */
  readonly shardSize: number;
}

export const DEFAULT_FANOUT_PLAN: FanoutPlan = {
  roomSizes: [100, 1_000, 10_000],
  postDelayMs: 20,
  concurrency: 64,
  shardSize: 1_000,
};

export type FanoutMode = 'single invocation' | 'sharded';

export interface FanoutRow {
  readonly mode: FanoutMode;
  readonly roomSize: number;
  readonly shards: number;
  readonly wallMs: number;
  /** ceil(recipients per invocation / concurrency) × delay: the bound for these settings. */
  readonly idealMs: number;
  /** idealMs / wallMs. */
  readonly efficiency: number;
  readonly managementApiCalls: number;
  /** Whether every member got the frame exactly once and calls == recipients. */
  readonly exact: boolean;
}

/** A management API that answers every post after `delayMs`, counting posts per connection. */
class DelayedDelivery implements ConnectionPoster {
  readonly posts = new Map<SocketId, number>();
  calls = 0;
  constructor(private readonly delayMs: number) {}
  async post(connectionId: SocketId): Promise<PostResult> {
    this.calls++;
    this.posts.set(connectionId, (this.posts.get(connectionId) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return 'delivered';
  }
}

/**
 * Measures one room message at one size: a sender adapter resolves the room, posts its own
 * share and hands shards to an in-process dispatcher that starts each shard at once on its
 * own worker adapter, concurrently, as Lambda runs asynchronous invocations in parallel
 * containers (invocation latency, about 20–50 ms on AWS, is not modelled).
 */
export async function measureFanout(
  plan: FanoutPlan,
  roomSize: number,
  mode: FanoutMode,
): Promise<FanoutRow> {
  const store = new InMemoryMembershipStore();
  const now = Date.now() - 60_000;
  const ids: SocketId[] = [];
  for (let i = 0; i < roomSize; i++) {
    const id = `F${String(i).padStart(14, '0')}=`;
    ids.push(id);
    await store.addConnection({
      id,
      ns: '/',
      rooms: ['room'],
      data: {},
      connectedAt: now,
      expiresAt: Math.floor(now / 1000) + 3600,
    });
  }
  const poster = new DelayedDelivery(plan.postDelayMs);
  const running: Promise<unknown>[] = [];
  let shards = 1;
  const dispatcher: ShardDispatcher = {
    async dispatch(shard: BroadcastShard) {
      shards++;
      const worker = new Adapter({ store, poster, concurrency: plan.concurrency });
      running.push(worker.postShard(shard));
    },
  };
  const adapter = new Adapter({
    store,
    poster,
    concurrency: plan.concurrency,
    ...(mode === 'sharded' ? { dispatcher, shardSize: plan.shardSize } : {}),
  });
  const started = performance.now();
  const report = await adapter.broadcast(
    { event: 'chat', data: 'hello' },
    { ns: '/', rooms: new Set(['room']), except: new Set() },
  );
  await Promise.all(running);
  const wallMs = performance.now() - started;
  const perInvocation = mode === 'sharded' ? Math.min(roomSize, plan.shardSize) : roomSize;
  const idealMs = Math.ceil(perInvocation / plan.concurrency) * plan.postDelayMs;
  const exact =
    poster.calls === roomSize &&
    report.recipients === roomSize &&
    ids.every((id) => poster.posts.get(id) === 1);
  return {
    mode,
    roomSize,
    shards,
    wallMs: Math.round(wallMs),
    idealMs,
    efficiency: Math.round((idealMs / wallMs) * 100) / 100,
    managementApiCalls: poster.calls,
    exact,
  };
}

export async function runFanout(
  plan: FanoutPlan,
  log: Log = () => undefined,
): Promise<FanoutRow[]> {
  const rows: FanoutRow[] = [];
  for (const mode of ['single invocation', 'sharded'] as const) {
    for (const size of plan.roomSizes) {
      const row = await measureFanout(plan, size, mode);
      log(
        `fanout ${mode} ${size}: ${row.wallMs} ms (ideal ${row.idealMs} ms), ${row.shards} shard(s)`,
      );
      rows.push(row);
    }
  }
  return rows;
}

export function formatFanoutMarkdown(plan: FanoutPlan, rows: readonly FanoutRow[]): string {
  const lines = [
    `One room message, management API answering each post after ${plan.postDelayMs} ms, ` +
      `concurrency ${plan.concurrency} posts per invocation, shards of ${plan.shardSize.toLocaleString('en-US')} recipients. ` +
      'Core-level: the real `Adapter` on an in-memory store; shards run concurrently in-process, as Lambda runs ' +
      'asynchronous invocations of the worker in parallel containers (invocation latency not modelled). ' +
      'Ideal = ceil(recipients per invocation / concurrency) × delay; efficiency = ideal / wall.',
    '',
    '| Mode | Room size | Invocations | Wall time (ms) | Ideal (ms) | Efficiency | Management-API calls | Exactly once |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (row) =>
        `| ${row.mode} | ${row.roomSize.toLocaleString('en-US')} | ${row.shards} | ${row.wallMs} | ${row.idealMs} | ${row.efficiency.toFixed(2)} | ${row.managementApiCalls.toLocaleString('en-US')} | ${row.exact ? 'yes' : 'NO'} |`,
    ),
  ];
  return lines.join('\n');
}

/** What the `fanout` suite measured: its plan and a row per mode and room size. */
export interface FanoutResults {
  readonly plan: FanoutPlan;
  readonly rows: readonly FanoutRow[];
}

/** The `fanout` suite of `npm run bench`: cheap, so quick and full run the same sizes. */
export const FANOUT_SUITE: BenchSuite<FanoutPlan, FanoutResults> = {
  id: 'fanout',
  title: 'Fan-out time versus room size',
  plans: { quick: DEFAULT_FANOUT_PLAN, full: DEFAULT_FANOUT_PLAN },
  measure: async (plan, log) => ({ plan, rows: await runFanout(plan, log) }),
  markdown: ({ plan, rows }) => formatFanoutMarkdown(plan, rows),
};
