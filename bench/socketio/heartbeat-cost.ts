import type { HeartbeatSettings } from '../../lambdas/core/heartbeat-settings';
import type { ModelAssumptions } from '../cost/model-assumptions';
import { ASSUMED_PRICES, PRICES } from '../cost/prices';

/** One line of a connection-hour's cost: what, how many, how much. */
export interface HourLine {
  readonly item: string;
  readonly quantity: number;
  readonly dollars: number;
}

/** The cost of keeping one connection open for an hour, line by line. */
export interface ConnectionHourCost {
  readonly lines: readonly HourLine[];
  readonly dollars: number;
}

/** Billed bytes of a 32 KB-metered API Gateway message: pings and pongs are one unit each. */
const ONE_MESSAGE = 1;

/**
 * What one Socket.IO connection costs per hour to keep open (not what it sends): API
 * Gateway's connection minutes, and the heartbeat: each ping is one post out (the heartbeat
 * function's share: its Query and its CPU per post are left out, a few thousandths of the
 * rest) and one pong in, which API Gateway routes to `$default` (one Lambda invocation, billed
 * at the model's floor), with its access-log line, its Lambda log lines and X-Ray's sampled
 * share (`xrayRate`: a busy stage spends its reservoir elsewhere).
 *
 * @example
 * socketIoConnectionHour(DEFAULT_HEARTBEAT, DEFAULT_ASSUMPTIONS).dollars; // ≈ 0.00006
 */
export function socketIoConnectionHour(
  heartbeat: HeartbeatSettings,
  assumptions: ModelAssumptions,
): ConnectionHourCost {
  const pings = 3_600_000 / heartbeat.pingIntervalMs;
  const gbSeconds = (assumptions.lambdaMsFloor / 1000) * (assumptions.lambdaMemoryMb / 1024);
  const logBytes =
    pings * (assumptions.accessLogBytes + assumptions.platformLogBytes + assumptions.emfLogBytes);
  return total([
    connectionMinutes(),
    {
      item: 'API Gateway messages: pings out, pongs in',
      quantity: 2 * pings * ONE_MESSAGE,
      dollars: (2 * pings * PRICES.apiGatewayMessagePerMillion) / 1e6,
    },
    {
      item: 'Lambda requests: a `$default` invocation per pong',
      quantity: pings,
      dollars: (pings * PRICES.lambdaRequestPerMillion) / 1e6,
    },
    {
      item: `Lambda duration: ${assumptions.lambdaMsFloor} ms at ${assumptions.lambdaMemoryMb} MB per pong (GB-s)`,
      quantity: pings * gbSeconds,
      dollars: pings * gbSeconds * PRICES.lambdaArmGbSecond,
    },
    {
      item: 'CloudWatch Logs: access-log and Lambda lines per pong (GB)',
      quantity: logBytes / 1024 ** 3,
      dollars: (logBytes / 1024 ** 3) * ASSUMED_PRICES.logIngestionGb,
    },
    {
      item: 'X-Ray: sampled pong invocations',
      quantity: pings * assumptions.xrayRate,
      dollars: (pings * assumptions.xrayRate * ASSUMED_PRICES.xrayTracePerMillion) / 1e6,
    },
  ]);
}

/**
 * The same hour for a JSON-protocol client of the chat's own SDK: its keep-alive ping after
 * `keepAliveMinutes` without a send goes to the MOCK `ping` route (one message in, the pong
 * out, no Lambda), with its access-log line.
 *
 * @example
 * jsonConnectionHour(DEFAULT_ASSUMPTIONS).dollars; // ≈ 0.00004
 */
export function jsonConnectionHour(assumptions: ModelAssumptions): ConnectionHourCost {
  const pings = 60 / assumptions.keepAliveMinutes;
  const logBytes = pings * assumptions.accessLogBytes;
  return total([
    connectionMinutes(),
    {
      item: 'API Gateway messages: pings in, pongs out (MOCK route)',
      quantity: 2 * pings,
      dollars: (2 * pings * PRICES.apiGatewayMessagePerMillion) / 1e6,
    },
    {
      item: 'CloudWatch Logs: access-log line per ping (GB)',
      quantity: logBytes / 1024 ** 3,
      dollars: (logBytes / 1024 ** 3) * ASSUMED_PRICES.logIngestionGb,
    },
  ]);
}

function connectionMinutes(): HourLine {
  return {
    item: 'API Gateway connection minutes',
    quantity: 60,
    dollars: (60 * ASSUMED_PRICES.connectionMinutePerMillion) / 1e6,
  };
}

function total(lines: readonly HourLine[]): ConnectionHourCost {
  return { lines, dollars: lines.reduce((sum, line) => sum + line.dollars, 0) };
}

/**
 * Markdown comparing the two protocols' connection-hour (a table each and the month of
 * 10,000 connections around the clock), as BENCHMARKS.md and docs/costs.md show it.
 *
 * @example
 * connectionHourMarkdown(DEFAULT_HEARTBEAT, DEFAULT_ASSUMPTIONS).join('\n');
 */
export function connectionHourMarkdown(
  heartbeat: HeartbeatSettings,
  assumptions: ModelAssumptions,
  hours: { readonly socketIo: ConnectionHourCost; readonly json: ConnectionHourCost } = {
    socketIo: socketIoConnectionHour(heartbeat, assumptions),
    json: jsonConnectionHour(assumptions),
  },
): string[] {
  const { socketIo, json } = hours;
  const table = (hour: ConnectionHourCost) => [
    '| item | quantity | per connection-hour |',
    '| --- | ---: | ---: |',
    ...hour.lines.map(
      (line) =>
        `| ${line.item} | ${line.quantity.toPrecision(3)} | $${line.dollars.toExponential(2)} |`,
    ),
    `| **total** | | **$${hour.dollars.toExponential(2)}** |`,
  ];
  const month = (hour: ConnectionHourCost) =>
    (hour.dollars * 24 * assumptions.daysPerMonth * 10_000).toFixed(2);
  return [
    `Socket.IO clients, pinged every ${heartbeat.pingIntervalMs / 1000} s by the heartbeat function (its own Query and CPU per post are left out: thousandths of the rest):`,
    '',
    ...table(socketIo),
    '',
    `JSON-protocol clients (the client SDK's keep-alive ping every ${assumptions.keepAliveMinutes} minutes, answered by the MOCK route):`,
    '',
    ...table(json),
    '',
    `10,000 connections open around the clock for ${assumptions.daysPerMonth} days: $${month(socketIo)} with Socket.IO clients, $${month(json)} with JSON-protocol clients. Each pong invokes \`$default\`: that invocation, its logs and its traces are the difference.`,
  ];
}
