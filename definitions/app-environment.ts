/**
 * The chat application's settings as the functions read them from the environment (`APP_ENV`):
 * the stack sets them, the functions and the emitter CLI parse them here, so both agree.
 *
 * @example
 * const settings = AppEnvironment.parse(process.env);
 * createChatApp(options, { history: historyFromEnvironment(process.env) });
 */
import type { ChatAppOptions } from '../lambdas/app/chat-app';
import { DEFAULT_GREETING_INTERVAL_SECONDS } from '../lambdas/app/notification-namespace';
import { PrivateRooms } from '../lambdas/app/private-rooms';
import { DEFAULT_MAX_ROOMS_PER_SOCKET } from '../lambdas/core/adapter';
import { DEFAULT_HEARTBEAT, type HeartbeatSettings } from '../lambdas/core/heartbeat-settings';
import { DEFAULT_USER_LIMITS, type UserLimitOptions } from '../lambdas/core/user-limits';
import * as z from '../lambdas/core/zod';
import { APP_ENV } from './api';

/** The app's defaults of the limit variables, which the stack's context defaults repeat. */
export {
  DEFAULT_GREETING_INTERVAL_SECONDS,
  DEFAULT_HEARTBEAT,
  DEFAULT_MAX_ROOMS_PER_SOCKET,
  DEFAULT_USER_LIMITS,
  PrivateRooms,
};

const PositiveInteger = z.coerce.number().check(z.int(), z.positive());

/** The history settings of the environment (`HISTORY_RETENTION_SECONDS`, `HISTORY_MAX_LENGTH`). */
const HistoryEnvironment = z.object({
  [APP_ENV.historyRetentionSeconds]: z.optional(PositiveInteger),
  [APP_ENV.historyMaxLength]: z.optional(PositiveInteger),
});

/** The per-user limits of the environment (`MAX_CONNECTIONS_PER_USER`, `USER_*`). */
const LimitsEnvironment = z.object({
  [APP_ENV.maxConnectionsPerUser]: z.optional(PositiveInteger),
  [APP_ENV.userMessageLimit]: z.optional(PositiveInteger),
  [APP_ENV.userMessageWindowSeconds]: z.optional(PositiveInteger),
  [APP_ENV.userDeliveryLimit]: z.optional(PositiveInteger),
  [APP_ENV.userDeliveryWindowSeconds]: z.optional(PositiveInteger),
  [APP_ENV.greetingIntervalSeconds]: z.optional(PositiveInteger),
  [APP_ENV.maxRoomsPerSocket]: z.optional(PositiveInteger),
});

/** `PRIVATE_ROOMS`: JSON text of `PrivateRooms`. */
const PrivateRoomsJson = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text: string, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.issues.push({ code: 'custom', message: 'PRIVATE_ROOMS is not JSON', input: text });
        return z.NEVER;
      }
    }),
  ),
  PrivateRooms,
);

/** The Socket.IO heartbeat of the environment (`PING_INTERVAL_SECONDS`, `PING_TIMEOUT_SECONDS`, `HEARTBEAT_TICK_SECONDS`). */
const HeartbeatEnvironment = z.object({
  [APP_ENV.pingIntervalSeconds]: z.optional(PositiveInteger),
  [APP_ENV.pingTimeoutSeconds]: z.optional(PositiveInteger),
  [APP_ENV.heartbeatTickSeconds]: z.optional(PositiveInteger),
});

/** Every `APP_ENV` variable, each optional. */
export const AppEnvironment = z.object({
  [APP_ENV.privateRooms]: z.optional(PrivateRoomsJson),
  [APP_ENV.fanoutShardSize]: z.optional(PositiveInteger),
  [APP_ENV.rateLimitCapacity]: z.optional(PositiveInteger),
  [APP_ENV.rateLimitRefillPerSecond]: z.optional(z.coerce.number().check(z.positive())),
  ...HistoryEnvironment.shape,
  ...LimitsEnvironment.shape,
  ...HeartbeatEnvironment.shape,
});

/**
 * The Socket.IO heartbeat the environment sets, each variable falling back to
 * `DEFAULT_HEARTBEAT`; throws on a value that is not a positive integer. The connect function
 * (which announces it) and the heartbeat function (which keeps it) read the same variables.
 *
 * @example
 * new Server({ ...ports, heartbeat: heartbeatFromEnvironment({ PING_INTERVAL_SECONDS: '2', HEARTBEAT_TICK_SECONDS: '1' }) });
 */
export function heartbeatFromEnvironment(env: NodeJS.ProcessEnv): HeartbeatSettings {
  const parsed = HeartbeatEnvironment.parse(env);
  const seconds = (value: number | undefined, fallbackMs: number) =>
    value === undefined ? fallbackMs : value * 1000;
  return {
    pingIntervalMs: seconds(parsed[APP_ENV.pingIntervalSeconds], DEFAULT_HEARTBEAT.pingIntervalMs),
    pingTimeoutMs: seconds(parsed[APP_ENV.pingTimeoutSeconds], DEFAULT_HEARTBEAT.pingTimeoutMs),
    tickMs: seconds(parsed[APP_ENV.heartbeatTickSeconds], DEFAULT_HEARTBEAT.tickMs),
  };
}

/**
 * The durable rooms' retention the environment sets, as the app's `history` option; throws on
 * a value that is not a positive integer. The functions and the emitter CLI share it, so what
 * either stores expires alike.
 *
 * @example
 * createChatApp(options, { history: historyFromEnvironment({ HISTORY_MAX_LENGTH: '500' }) });
 */
export function historyFromEnvironment(
  env: NodeJS.ProcessEnv,
): NonNullable<ChatAppOptions['history']> {
  const parsed = HistoryEnvironment.parse(env);
  return {
    ...optional('retentionSeconds', parsed[APP_ENV.historyRetentionSeconds]),
    ...optional('maxLength', parsed[APP_ENV.historyMaxLength]),
  };
}

/**
 * The server's per-user limits the environment sets, each variable falling back to the
 * default of `DEFAULT_USER_LIMITS`; throws on a value that is not a positive integer.
 *
 * @example
 * new Server({ ...ports, userLimits: userLimitsFromEnvironment({ USER_MESSAGE_LIMIT: '30' }) });
 */
export function userLimitsFromEnvironment(env: NodeJS.ProcessEnv): UserLimitOptions {
  const parsed = LimitsEnvironment.parse(env);
  const { messages, deliveries } = DEFAULT_USER_LIMITS;
  return {
    connectionsPerUser:
      parsed[APP_ENV.maxConnectionsPerUser] ?? DEFAULT_USER_LIMITS.connectionsPerUser,
    messages: {
      limit: parsed[APP_ENV.userMessageLimit] ?? messages.limit,
      windowSeconds: parsed[APP_ENV.userMessageWindowSeconds] ?? messages.windowSeconds,
    },
    deliveries: {
      limit: parsed[APP_ENV.userDeliveryLimit] ?? deliveries.limit,
      windowSeconds: parsed[APP_ENV.userDeliveryWindowSeconds] ?? deliveries.windowSeconds,
    },
  };
}

/** `GREETING_INTERVAL_SECONDS`, when set; throws on a value that is not a positive integer. */
export function greetingIntervalFromEnvironment(env: NodeJS.ProcessEnv): number | undefined {
  return LimitsEnvironment.parse(env)[APP_ENV.greetingIntervalSeconds];
}

/** `MAX_ROOMS_PER_SOCKET`, when set; throws on a value that is not a positive integer. */
export function maxRoomsFromEnvironment(env: NodeJS.ProcessEnv): number | undefined {
  return LimitsEnvironment.parse(env)[APP_ENV.maxRoomsPerSocket];
}

/** `{ [key]: value }`, or nothing when the value is undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
