import type { CostRow } from './cost-suite';

/** What the model reads of a measured row of `cost.json` (a `CostRow`). */
export type MeasuredRow = Pick<
  CostRow,
  | 'lookup'
  | 'operation'
  | 'roomSize'
  | 'expectedRecipients'
  | 'managementApiCalls'
  | 'lambdaInvocations'
  | 'messageUnits'
  | 'handlerMsMedian'
  | 'handlerCpuMsMedian'
> & { readonly dynamoDb: Pick<CostRow['dynamoDb'], 'rcu' | 'wcu'> };

/** One operation's use of each priced resource, as measured (or derived from measurements). */
export interface MeasuredFigures {
  readonly messageUnits: number;
  readonly posts: number;
  /** Invocations as measured (the route's function; the suite runs no shard dispatcher). */
  readonly lambdaInvocations: number;
  /** Handler time on this machine's core, ms, and the CPU part of it. */
  readonly handlerMs: number;
  readonly handlerCpuMs: number;
  readonly rcu: number;
  readonly wcu: number;
  /** Where the figures come from: a measured size, an interpolation, an extrapolation. */
  readonly note: string;
}

function figuresOf(row: MeasuredRow): Omit<MeasuredFigures, 'note'> {
  return {
    messageUnits: row.messageUnits,
    posts: row.managementApiCalls,
    lambdaInvocations: row.lambdaInvocations,
    handlerMs: row.handlerMsMedian,
    handlerCpuMs: row.handlerCpuMsMedian,
    rcu: row.dynamoDb.rcu,
    wcu: row.dynamoDb.wcu,
  };
}

/**
 * The measured figures of `operation` (Query lookup, as deployed) in a room of `roomSize`:
 * the row of that size, else a linear interpolation between the two measured sizes around
 * it, or an extrapolation from the two nearest beyond the measured range. Posts and
 * message units grow by exactly one per member in every row, so they come out exact; the
 * capacity and times are estimates in between.
 *
 * @example
 * measuredAt(rows, 'room message', 20).note; // 'interpolated between the measured rooms of 10 and 100'
 */
export function measuredAt(
  rows: readonly MeasuredRow[],
  operation: string,
  roomSize: number,
): MeasuredFigures {
  const candidates = rows
    .filter((row) => row.lookup === 'query' && row.operation === operation)
    .sort((a, b) => a.roomSize - b.roomSize);
  const exact = candidates.find((row) => row.roomSize === roomSize);
  if (exact) return { ...figuresOf(exact), note: `measured at room size ${count(roomSize)}` };
  const [first] = candidates;
  if (!first) throw new Error(`cost.json has no "${operation}" row (Query lookup)`);
  if (candidates.length === 1)
    return {
      ...figuresOf(first),
      note: `nearest measured room size: ${count(first.roomSize)} (the only one)`,
    };
  const aboveIndex = candidates.findIndex((row) => row.roomSize > roomSize);
  const lowIndex =
    aboveIndex === -1 ? candidates.length - 2 : aboveIndex === 0 ? 0 : aboveIndex - 1;
  const low = candidates[lowIndex] as MeasuredRow;
  const high = candidates[lowIndex + 1] as MeasuredRow;
  const t = (roomSize - low.roomSize) / (high.roomSize - low.roomSize);
  const a = figuresOf(low);
  const b = figuresOf(high);
  const lerp = (key: keyof typeof a): number => Math.max(0, a[key] + (b[key] - a[key]) * t);
  const how =
    aboveIndex === -1 || aboveIndex === 0
      ? `extrapolated from the measured rooms of ${count(low.roomSize)} and ${count(high.roomSize)}`
      : `interpolated between the measured rooms of ${count(low.roomSize)} and ${count(high.roomSize)}`;
  return {
    messageUnits: lerp('messageUnits'),
    posts: lerp('posts'),
    lambdaInvocations: a.lambdaInvocations,
    handlerMs: lerp('handlerMs'),
    handlerCpuMs: lerp('handlerCpuMs'),
    rcu: lerp('rcu'),
    wcu: lerp('wcu'),
    note: how,
  };
}

/**
 * A namespace broadcast to `recipients`, scaled from the measured broadcast whose recipients
 * are nearest: posts = recipients, message units = the row's inbound and ack frames plus one
 * per recipient, and its RCU and handler time (and CPU) in proportion (the Query of the namespace
 * grows with it).
 *
 * @example
 * broadcastAt(rows, 25_000).posts; // 25000
 */
export function broadcastAt(rows: readonly MeasuredRow[], recipients: number): MeasuredFigures {
  const candidates = rows.filter(
    (row) => row.lookup === 'query' && row.operation === 'namespace broadcast',
  );
  const nearest = candidates.reduce<MeasuredRow | undefined>(
    (best, row) =>
      best === undefined ||
      Math.abs(row.expectedRecipients - recipients) < Math.abs(best.expectedRecipients - recipients)
        ? row
        : best,
    undefined,
  );
  if (!nearest) throw new Error('cost.json has no "namespace broadcast" row (Query lookup)');
  const measured = nearest.expectedRecipients;
  const ratio = measured === 0 ? 1 : recipients / measured;
  return {
    messageUnits: nearest.messageUnits - nearest.managementApiCalls + recipients,
    posts: recipients,
    lambdaInvocations: nearest.lambdaInvocations,
    handlerMs: nearest.handlerMsMedian * ratio,
    handlerCpuMs: nearest.handlerCpuMsMedian * ratio,
    rcu: nearest.dynamoDb.rcu * ratio,
    wcu: nearest.dynamoDb.wcu,
    note:
      recipients === measured
        ? `measured at ${count(measured)} recipients`
        : `scaled from the measured broadcast to ${count(measured)} recipients (RCU and time in proportion)`,
  };
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
