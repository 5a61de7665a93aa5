import { silentLogger } from '../../local/gateway';
import { BENCH_USER_LIMITS, startLocalRuntime } from '../../local/local-runtime';
import type { Log } from '../bench-section';
import { closeAll } from '../e2e/connection-probe';
import { type E2eClient, openE2eClient, request } from '../e2e/e2e-client';
import { measureRoom } from '../e2e/message-latency';
import { cpuByRole, cpuSnapshot } from '../e2e/process-cpu';

/** How many room messages to send before measuring, and how many to measure. */
export interface MessageCpuPlan {
  readonly warmUpMessages: number;
  readonly messages: number;
  /** Messages per second (the per-connection rate limit). */
  readonly perSecond: number;
  /** Run the functions traced, as the stack deploys them (see `LocalRuntimeOptions.tracing`). */
  readonly tracing: boolean;
}

/** The CPU of one room message to one recipient, by process role (µs per message). */
export interface MessageCpuResult {
  readonly warmUpMessages: number;
  readonly messages: number;
  readonly tracing: boolean;
  readonly microsPerMessage: Readonly<Record<string, number>>;
}

/**
 * 300 messages before measuring: after 30 a message still costs a tenth more CPU than after
 * 300 (13.5 against 12.1 ms on the benchmark machine), as V8 has not optimised the code yet.
 * Traced, as deployed.
 */
export const MESSAGE_CPU_PLAN: MessageCpuPlan = {
  warmUpMessages: 300,
  messages: 200,
  perSecond: 10,
  tracing: true,
};

/** The function whose own CPU per invocation the fan-out model adds. */
export const MESSAGE_ROLE = 'message';

const ROOM = 'bench-pair';

/**
 * What a room message costs the message function before it fans out: on a local runtime (the
 * stack's handlers and bundles in containers, traced as deployed with `tracing`),
 * one member sends `messages` room messages one at a time to a room of two, after
 * `warmUpMessages` that warm the container; the CPU each process used meanwhile, from
 * `/proc`, per message. Linux only: elsewhere it throws.
 *
 * @example
 * const { microsPerMessage } = await measureMessageCpu(MESSAGE_CPU_PLAN, console.error);
 */
export async function measureMessageCpu(plan: MessageCpuPlan, log: Log): Promise<MessageCpuResult> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const runtime = await startLocalRuntime({
    auth: { mode: 'anonymous' },
    gateway: { logger: silentLogger },
    environment: BENCH_USER_LIMITS,
    tracing: plan.tracing,
  });
  const members: E2eClient[] = [];
  try {
    members.push(
      await openE2eClient(runtime.gateway.url),
      await openE2eClient(runtime.gateway.url),
    );
    for (const member of members) await request(member.socket, 'join', { room: ROOM });
    log(
      `fanout: a room of 2, ${plan.warmUpMessages} messages to warm up, ${plan.messages} measured, tracing ${plan.tracing ? 'on' : 'off'}`,
    );
    await measureRoom(members, ROOM, plan.warmUpMessages, plan.perSecond);
    const before = await cpuSnapshot();
    const measured = await measureRoom(members, ROOM, plan.messages, plan.perSecond);
    const after = await cpuSnapshot();
    if (!before || !after) throw new Error('measuring CPU per process needs /proc (Linux)');
    if (measured.lost > 0) throw new Error(`${measured.lost} of ${plan.messages} messages lost`);
    const microsPerMessage = Object.fromEntries(
      Object.entries(cpuByRole(before, after)).map(([role, cpuMs]) => [
        role,
        Math.round((cpuMs * 1_000) / plan.messages),
      ]),
    );
    if (plan.tracing && (runtime.xray?.received ?? 0) < plan.messages)
      throw new Error(`tracing on, yet ${runtime.xray?.received ?? 0} segments reached the daemon`);
    return {
      warmUpMessages: plan.warmUpMessages,
      messages: plan.messages,
      tracing: plan.tracing,
      microsPerMessage,
    };
  } finally {
    await closeAll(members);
    await runtime.close();
  }
}
