import { FAN_OUT_SIZING } from '../../definitions/fan-out-sizing';
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
import { measurePostCpu, microsOf } from '../post-cpu/post-cpu-suite';
import {
  cheapestSetting,
  cpuShare,
  estimateFanOut,
  type FanOutCosts,
  type FanOutSetting,
  LAMBDA_PRICE,
} from './lambda-cpu-model';
import {
  MESSAGE_CPU_PLAN,
  MESSAGE_ROLE,
  type MessageCpuResult,
  measureMessageCpu,
} from './message-cpu';

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
    `The fan-out's own behaviour, posts costing no CPU: one room message, management API answering each post after ${plan.postDelayMs} ms, ` +
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

/**
 * The fan-out model at Lambda's CPU, from the CPU per post and per room message measured on
 * this machine.
 */
export interface FanoutModel {
  /** The room messages to one recipient that gave `cpuPerMessageMicros`. */
  readonly messageCpu: MessageCpuResult;
  /** The lean path, traced as deployed. */
  readonly lean: FanOutCosts;
  /** The lean post's CPU untraced, µs (for comparison). */
  readonly leanUntracedMicros: number;
  readonly sdk: FanOutCosts;
  /** Wall time per room size at the stack's setting, with each post path. */
  readonly bySize: readonly {
    recipients: number;
    leanMs: number;
    sdkMs: number;
    invocations: number;
  }[];
  /** 10,000 recipients: every setting tried, with the lean path. */
  readonly grid: readonly (FanOutSetting & { wallMs: number; lambdaUsdPerMillion: number })[];
  /** The cheapest setting under 1 s for 10,000 recipients; undefined if none is. */
  readonly chosen: FanOutSetting | undefined;
  readonly stack: FanOutSetting;
}

const MODEL_SIZES = [100, 1_000, 10_000, 100_000];
const MEMORY_SIZES_MB = [128, 256, 512, 1_024, 1_769];
const SHARD_SIZES = [250, 500, 1_000, 2_000];
/**
 * 10,000 recipients in under 1 s, chosen within 750 ms: a quarter kept back for the
 * measurement's noise (rounds differ by up to a fifth) and for cores slower than this one.
 */
const TARGET = { recipients: 10_000, withinMs: 1_000, budgetMs: 750 };
/**
 * A stack setting within the budget whose Lambda cost is at most this share above the
 * cheapest's is kept: the cheapest setting moves with this machine's speed, and the costs move
 * with it (by an eighth between its fast and slow states).
 */
const COST_TIE = 0.2;
/** Assumed, not measured here: a post's round trip to `@connections`, and an asynchronous invoke until the warm worker runs. */
const LATENCY = { postMs: 20, dispatchMs: 30 };

/**
 * Measures the CPU per post (`post-cpu` suite, 3 rounds) and the message function's CPU per
 * room message (`measureMessageCpu`, one recipient, less that recipient's lean post), both
 * traced as deployed, and
 * models the fan-out with them: per room size at the stack's setting, and the memory × shard
 * size grid for 10,000.
 */
export async function modelFanout(
  plan: FanoutPlan,
  log: Log,
  measure: typeof measurePostCpu = measurePostCpu,
  measureMessage: typeof measureMessageCpu = measureMessageCpu,
): Promise<FanoutModel> {
  const measured = await measure({ posts: 5_000, rounds: 3 }, log);
  const messageCpu = await measureMessage(MESSAGE_CPU_PLAN, log);
  const sdkMicros = microsOf(measured, 'sdk');
  // As deployed: the functions trace, and the X-Ray SDK's context tracking taxes every post.
  const leanMicros = microsOf(measured, 'lean-traced');
  const messageMicros = messageCpu.microsPerMessage[MESSAGE_ROLE];
  if (messageMicros === undefined) throw new Error('the message function used no CPU');
  const costs = (cpuPerPostMicros: number): FanOutCosts => ({
    cpuPerMessageMicros: Math.max(0, messageMicros - leanMicros),
    cpuPerPostMicros,
    // An asynchronous invoke is an SDK call like PostToConnection: the SDK post's CPU.
    cpuPerDispatchMicros: sdkMicros,
    postLatencyMs: LATENCY.postMs,
    dispatchLatencyMs: LATENCY.dispatchMs,
    concurrency: plan.concurrency,
  });
  const lean = costs(leanMicros);
  const sdk = costs(sdkMicros);
  const settings = MEMORY_SIZES_MB.flatMap((memoryMb) =>
    SHARD_SIZES.map((shardSize) => ({ memoryMb, shardSize })),
  );
  const stack = { memoryMb: FAN_OUT_SIZING.memoryMb, shardSize: FAN_OUT_SIZING.shardSize };
  return {
    messageCpu,
    lean,
    leanUntracedMicros: microsOf(measured, 'lean'),
    sdk,
    bySize: MODEL_SIZES.map((recipients) => ({
      recipients,
      leanMs: estimateFanOut(recipients, stack, lean).wallMs,
      sdkMs: estimateFanOut(recipients, stack, sdk).wallMs,
      invocations: estimateFanOut(recipients, stack, lean).invocations,
    })),
    grid: settings.map((setting) => {
      const { wallMs, lambdaUsdPerMillion } = estimateFanOut(TARGET.recipients, setting, lean);
      return { ...setting, wallMs, lambdaUsdPerMillion };
    }),
    chosen: cheapestSetting(TARGET.recipients, TARGET.budgetMs, settings, lean),
    stack,
  };
}

/**
 * Whether the stack's setting is the model's choice: the same; or within the budget and at
 * most a fifth dearer in Lambda (`COST_TIE`), so kept; else to update.
 *
 * @example
 * stackVerdict(model); // 'the same'
 */
export function stackVerdict(model: Pick<FanoutModel, 'chosen' | 'stack' | 'grid'>): string {
  const { chosen, stack, grid } = model;
  if (chosen === undefined) return '**no setting is within the budget**';
  const rowOf = (setting: FanOutSetting) =>
    grid.find((row) => row.memoryMb === setting.memoryMb && row.shardSize === setting.shardSize);
  const [best, ours] = [rowOf(chosen), rowOf(stack)];
  if (best === ours) return 'the same';
  if (best === undefined || ours === undefined || ours.wallMs > TARGET.budgetMs)
    return '**different: update it**';
  const extra = ours.lambdaUsdPerMillion / best.lambdaUsdPerMillion - 1;
  if (extra > COST_TIE) return '**different: update it**';
  return `within the budget too (${ours.wallMs.toLocaleString('en-US')} ms) at ${Math.round(extra * 100)} % more Lambda cost (at most ${COST_TIE * 100} %): kept, as the cheapest setting moves with this machine's speed`;
}

/** The model's part of the section. */
export function formatModelMarkdown(model: FanoutModel): string {
  const { lean, sdk, chosen, stack, leanUntracedMicros: leanUntraced } = model;
  const setting = (value: FanOutSetting) =>
    `${value.memoryMb} MB, shards of ${value.shardSize.toLocaleString('en-US')}`;
  return [
    "### At Lambda's CPU",
    '',
    `The table above assumes a post costs no CPU: each waits ${LATENCY.postMs} ms of network and nothing else, so 10,000 recipients take about 320 ms however small the function. A post costs CPU, and a function gets a share of a vCPU in proportion to its memory (1,769 MB = one vCPU). Measured on this machine (\`post-cpu\` suite, see below): **${sdk.cpuPerPostMicros} µs** per post through the SDK client (untraced), **${lean.cpuPerPostMicros} µs** on the lean path the functions use, traced as they are deployed (the X-Ray SDK tracks the context of every asynchronous resource; ${leanUntraced} µs untraced). Before it posts, the message function does a room message's own work (the event, the sender, the budget, the room's members): **${(lean.cpuPerMessageMicros / 1_000).toFixed(1)} ms** of CPU, measured on the local runtime as the message function's CPU per room message to one recipient (${model.messageCpu.messages} sent one at a time after ${model.messageCpu.warmUpMessages} that warm the container, ${model.messageCpu.tracing ? 'traced as deployed: the X-Ray SDK in its Lambda mode sending each subsegment to a local daemon' : 'tracing off'}) less that recipient's post; at the stack's ${stack.memoryMb} MB that alone is ${Math.round(lean.cpuPerMessageMicros / 1_000 / cpuShare(stack.memoryMb))} ms. The model: an invocation posting *n* frames takes max(*n* × CPU per post ÷ CPU share, ⌈*n* ÷ ${lean.concurrency}⌉ × ${LATENCY.postMs} ms); the message function first does its own work and dispatches one worker per further shard (${sdk.cpuPerDispatchMicros} µs of CPU each, the untraced SDK post's figure: a floor, as a traced SDK call also records a subsegment), and a worker starts ${LATENCY.dispatchMs} ms after its dispatch (warm). Latencies are assumed, CPU is measured on this machine's cores (named in the command line above; Graviton, which the stack runs on, is not measured), the DynamoDB round trips of the message's own work are left out (their CPU is counted, their waits are the same at every setting), and so is the workers' own CPU per invocation (not measured).`,
    '',
    `Wall time of one room message at the stack's setting (${setting(stack)}):`,
    '',
    '| Recipients | Invocations | Lean path, ms | SDK client, ms |',
    '| ---: | ---: | ---: | ---: |',
    ...model.bySize.map(
      (row) =>
        `| ${row.recipients.toLocaleString('en-US')} | ${row.invocations} | ${row.leanMs.toLocaleString('en-US')} | ${row.sdkMs.toLocaleString('en-US')} |`,
    ),
    '',
    `Right-sizing: 10,000 recipients on the lean path, for each memory size (CPU share) and shard size; Lambda's compute and request charges on Arm ($${LAMBDA_PRICE.perGbSecond} per GB-second, $${(LAMBDA_PRICE.perRequest * 1e6).toFixed(2)} per million requests) per million deliveries. API Gateway's own $1.00 per million messages comes on top whatever the setting.`,
    '',
    '| Memory, MB | CPU share | Shard size | Wall time, ms | Lambda $ per million deliveries |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...model.grid.map(
      (row) =>
        `| ${row.memoryMb} | ${cpuShare(row.memoryMb).toFixed(2)} | ${row.shardSize.toLocaleString('en-US')} | ${row.wallMs.toLocaleString('en-US')}${row.wallMs < TARGET.withinMs ? '' : ' (over 1 s)'}${row.memoryMb === chosen?.memoryMb && row.shardSize === chosen?.shardSize ? ' ← chosen' : ''} | ${row.lambdaUsdPerMillion.toFixed(4)} |`,
    ),
    '',
    chosen
      ? `- Cheapest under 1 s for 10,000 recipients, chosen within ${TARGET.budgetMs} ms (a quarter kept back for the measurement's noise and for slower cores): **${setting(chosen)}**. The stack (\`definitions/fan-out-sizing.ts\`) uses ${setting(stack)}: ${stackVerdict(model)}.`
      : `- No setting delivers 10,000 recipients within ${TARGET.budgetMs} ms in this model.`,
  ].join('\n');
}

/** What the `fanout` suite measured: its plan, a row per mode and room size, and the model. */
export interface FanoutResults {
  readonly plan: FanoutPlan;
  readonly rows: readonly FanoutRow[];
  readonly model: FanoutModel;
}

/** The `fanout` suite of `npm run bench`: cheap, so quick and full run the same sizes. */
export const FANOUT_SUITE: BenchSuite<FanoutPlan, FanoutResults> = {
  id: 'fanout',
  title: 'Fan-out time versus room size',
  plans: { quick: DEFAULT_FANOUT_PLAN, full: DEFAULT_FANOUT_PLAN },
  measure: async (plan, log) => ({
    plan,
    rows: await runFanout(plan, log),
    model: await modelFanout(plan, log),
  }),
  markdown: ({ plan, rows, model }) =>
    `${formatFanoutMarkdown(plan, rows)}\n\n${formatModelMarkdown(model)}`,
};
