import { type RoomFilter, roomFilter } from './room-filter';

/**
 * Settings of durable rooms (`Namespace.keepHistory`): their messages are numbered and kept.
 *
 * @example
 * nsp.keepHistory({ rooms: (room) => !room.startsWith('tmp:'), retentionSeconds: 86_400, maxLength: 1_000 });
 */
export interface HistoryOptions {
  /** Rooms that keep history. Default: every room. */
  readonly rooms?: RoomFilter;
  /** How long a message stays readable, in seconds. Default 86,400 (a day). */
  readonly retentionSeconds?: number;
  /** How many of a room's latest messages stay readable. Default 1,000. */
  readonly maxLength?: number;
}

/** `HistoryOptions` with defaults applied. */
export interface HistorySettings {
  readonly keeps: RoomFilter;
  readonly retentionSeconds: number;
  readonly maxLength: number;
}

/**
 * Applies the defaults of `HistoryOptions` and checks them.
 *
 * @example
 * historySettings({ maxLength: 50 }).keeps('lobby'); // true
 */
export function historySettings(options: HistoryOptions): HistorySettings {
  const retentionSeconds = options.retentionSeconds ?? 86_400;
  const maxLength = options.maxLength ?? 1_000;
  if (!Number.isInteger(retentionSeconds) || retentionSeconds <= 0)
    throw new Error(`retentionSeconds must be a positive integer, not ${retentionSeconds}`);
  if (!Number.isInteger(maxLength) || maxLength <= 0)
    throw new Error(`maxLength must be a positive integer, not ${maxLength}`);
  return { keeps: roomFilter(options.rooms), retentionSeconds, maxLength };
}
