import { performance } from 'node:perf_hooks';
import { APP_ENV } from '../../definitions/api';
import { DEFAULT_HEARTBEAT } from '../../lambdas/core/heartbeat-settings';
import { silentLogger } from '../../local/gateway';
import { BENCH_USER_LIMITS, startLocalRuntime } from '../../local/local-runtime';
import type { BenchSuite, Log } from '../bench-section';
import { DEFAULT_ASSUMPTIONS } from '../cost/model-assumptions';
import { type E2eClient, openE2eClient, request } from '../e2e/e2e-client';
import type { Frame } from '../load/load-client';
import { type Distribution, distribution } from '../load/stats';
import { EngineClient } from './engine-client';
import {
  type ConnectionHourCost,
  connectionHourMarkdown,
  jsonConnectionHour,
  socketIoConnectionHour,
} from './heartbeat-cost';

export interface SocketIoPlan {
  /** Sessions opened one after another for the open-packet latency. */
  readonly sessions: number;
  /** Members of each room: half Socket.IO, half JSON protocol in the mixed one. */
  readonly roomMembers: number;
  /** Sequential messages to each room. */
  readonly roomMessages: number;
}

export interface SocketIoResults {
  readonly plan: SocketIoPlan;
  /** WebSocket open → Engine.IO open packet. */
  readonly openPacketMs: Distribution;
  /** CONNECT `40` sent → its answer. */
  readonly connectMs: Distribution;
  /** Send → last recipient, in a room of JSON-protocol clients only, and in a mixed one. */
  readonly jsonRoomMs: Distribution;
  readonly mixedRoomMs: Distribution;
  readonly socketIoHour: ConnectionHourCost;
  readonly jsonHour: ConnectionHourCost;
}

/**
 * The `socketio` suite: on the local runtime (anonymous), how long a Socket.IO client waits
 * for its open packet (API Gateway refuses posts until `$connect` returns, so it comes from
 * the after-connect worker) and for a namespace's CONNECT answer; a room message's latency in
 * a room of JSON clients and in one mixing both protocols; and the modelled cost of keeping a
 * connection open an hour, heartbeat included.
 *
 * @example
 * const section = await runSuite(SOCKETIO_SUITE, SOCKETIO_SUITE.plans.quick, 'npm run bench', console.error);
 */
export const SOCKETIO_SUITE: BenchSuite<SocketIoPlan, SocketIoResults> = {
  id: 'socketio',
  title: 'Socket.IO clients',
  plans: {
    quick: { sessions: 30, roomMembers: 40, roomMessages: 15 },
    full: { sessions: 100, roomMembers: 100, roomMessages: 50 },
  },
  measure: measureSocketIo,
  markdown: formatSocketIoMarkdown,
};

export async function measureSocketIo(plan: SocketIoPlan, log: Log): Promise<SocketIoResults> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const runtime = await startLocalRuntime({
    auth: { mode: 'anonymous' },
    gateway: { logger: silentLogger },
    environment: {
      ...BENCH_USER_LIMITS,
      [APP_ENV.rateLimitCapacity]: '1000',
      [APP_ENV.rateLimitRefillPerSecond]: '1000',
    },
  });
  const url = runtime.gateway.url;
  const engines: EngineClient[] = [];
  const jsons: E2eClient[] = [];
  try {
    log(`socketio: ${plan.sessions} sessions, one after another`);
    const openPacket: number[] = [];
    const connect: number[] = [];
    for (let i = 0; i < plan.sessions; i += 1) {
      const client = await EngineClient.open(url);
      engines.push(client);
      openPacket.push(client.openPacketMs);
      connect.push(await client.connect('/'));
    }
    log(`socketio: rooms of ${plan.roomMembers}, ${plan.roomMessages} messages each`);
    const half = Math.floor(plan.roomMembers / 2);
    while (jsons.length < plan.roomMembers) jsons.push(await openE2eClient(url));
    while (engines.length < half) {
      const client = await EngineClient.open(url);
      await client.connect('/');
      engines.push(client);
    }
    const jsonRoom = jsons.slice(0, plan.roomMembers);
    const mixedRoom = [...jsons.slice(0, plan.roomMembers - half), ...engines.slice(0, half)];
    for (const member of jsonRoom) await request(member.socket, 'join', { room: 'json' });
    for (const member of jsons.slice(0, plan.roomMembers - half))
      await request(member.socket, 'join', { room: 'mixed' });
    for (const member of engines.slice(0, half)) await member.request('join', { room: 'mixed' });
    const jsonRoomMs = await roomLatency(jsonRoom, 'json', plan.roomMessages);
    const mixedRoomMs = await roomLatency(mixedRoom, 'mixed', plan.roomMessages);
    return {
      plan,
      openPacketMs: distribution(openPacket),
      connectMs: distribution(connect),
      jsonRoomMs: distribution(jsonRoomMs),
      mixedRoomMs: distribution(mixedRoomMs),
      socketIoHour: socketIoConnectionHour(DEFAULT_HEARTBEAT, DEFAULT_ASSUMPTIONS),
      jsonHour: jsonConnectionHour(DEFAULT_ASSUMPTIONS),
    };
  } finally {
    for (const client of engines) client.close();
    for (const client of jsons) client.socket.close();
    await runtime.close();
  }
}

type Member = E2eClient | EngineClient;

/** Sends `messages` chats to `room` from its first member, one at a time: send → last recipient, each. */
async function roomLatency(members: readonly Member[], room: string, messages: number) {
  const [sender, ...recipients] = members as [E2eClient, ...Member[]];
  const samples: number[] = [];
  for (let n = 0; n < messages; n += 1) {
    const tag = `${room}-${n}`;
    let left = recipients.length;
    const all = new Promise<number>((done) => {
      const heard = (at: number) => {
        left -= 1;
        if (left === 0) done(at);
      };
      for (const member of recipients) {
        if (member instanceof EngineClient) {
          member.onFrame = (frame, at) => {
            if (frame.startsWith('42["chat"') && frame.includes(tag)) heard(at);
          };
        } else {
          member.onEvent = (frame: Frame, at) => {
            if (frame.event === 'chat' && frame.data === tag) heard(at);
          };
        }
      }
    });
    const started = performance.now();
    await request(sender.socket, 'chat', { room, message: tag });
    samples.push((await all) - started);
  }
  return samples;
}

export function formatSocketIoMarkdown(results: SocketIoResults): string {
  const { plan } = results;
  const ms = (value: number | null) => (value === null ? '–' : value.toFixed(1));
  const row = (what: string, samples: string, stats: Distribution, note: string) =>
    `| ${what} | ${samples} | ${ms(stats.p50)} | ${ms(stats.p99)} | ${ms(stats.max)} | ${note} |`;
  return [
    'Unmodified Socket.IO clients (Engine.IO v4 / Socket.IO v5 frames on `ws`, no library in',
    'between) on the local runtime (anonymous auth, DynamoDB Local), measured in the same',
    'Node process as the gateway. The open packet comes from the after-connect worker, since',
    'API Gateway refuses posts until `$connect` returns: it waits for `$connect`, then one',
    'asynchronous invocation of the worker.',
    '',
    '| Measure | Samples | p50 (ms) | p99 (ms) | max (ms) | Notes |',
    '| --- | --- | --- | --- | --- | --- |',
    row(
      'WebSocket open → open packet',
      String(results.openPacketMs.count),
      results.openPacketMs,
      `${plan.sessions} sessions, one after another`,
    ),
    row(
      'CONNECT `40` → its answer',
      String(results.connectMs.count),
      results.connectMs,
      'namespace `/`: middleware, socket stored, answer posted',
    ),
    row(
      `Room of ${plan.roomMembers}, JSON protocol only: send → last recipient`,
      String(results.jsonRoomMs.count),
      results.jsonRoomMs,
      'sequential messages',
    ),
    row(
      `Room of ${plan.roomMembers}, half Socket.IO: send → last recipient`,
      String(results.mixedRoomMs.count),
      results.mixedRoomMs,
      'the broadcast is encoded once per protocol',
    ),
    '',
    'A room message costs the same with mixed clients: the same reads, writes and posts (one per',
    'recipient, whatever its protocol); the fan-out encodes the frame twice instead of once.',
    '',
    '**Keeping a connection open for an hour** (modelled in `bench/socketio/heartbeat-cost.ts`,',
    'with the prices and assumptions of [costs.md](docs/costs.md)).',
    '',
    ...connectionHourMarkdown(DEFAULT_HEARTBEAT, DEFAULT_ASSUMPTIONS, {
      socketIo: results.socketIoHour,
      json: results.jsonHour,
    }),
  ].join('\n');
}
