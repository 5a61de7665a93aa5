import { createHash } from 'node:crypto';
import type { Room } from './types';

/** Where a message sits: its durable room, its seq there and when it was stored (epoch ms). */
export interface MessagePosition {
  readonly room: Room;
  readonly seq: number;
  readonly at: number;
}

/** An offset as a client sends it back: the room is known by its tag (see `roomTag`). */
export interface ParsedOffset {
  readonly roomTag: string;
  readonly seq: number;
  readonly at: number;
}

const OFFSET = /^([0-9a-z]{1,11})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{8})$/;

/**
 * The offset a Socket.IO client keeps for connection state recovery: the last argument of
 * every event reaching it through a durable room, sent back in its reconnection's CONNECT
 * (`40{"pid","offset"}`). It names the message's position: when it was stored, its seq in
 * the room it came through, and that room by a tag (a hash, so the offset stays short and
 * opaque).
 *
 * @example
 * recoveryOffset({ room: 'lobby', seq: 42, at: 1796371547631 }); // 'mx8p8l4f.16.S13Adue5'
 */
export function recoveryOffset(position: MessagePosition): string {
  return `${position.at.toString(36)}.${position.seq.toString(36)}.${roomTag(position.room)}`;
}

/**
 * The position an offset names, or `undefined` for anything else (a client keeps the last
 * string argument of any event as its offset, so it may send back a string of the app's).
 *
 * @example
 * parseRecoveryOffset('mx8p8l4f.16.S13Adue5'); // { at: 1796371547631, seq: 42, roomTag: 'S13Adue5' }
 */
export function parseRecoveryOffset(offset: unknown): ParsedOffset | undefined {
  if (typeof offset !== 'string') return undefined;
  const match = OFFSET.exec(offset);
  if (!match) return undefined;
  const at = Number.parseInt(match[1] as string, 36);
  const seq = Number.parseInt(match[2] as string, 36);
  if (!Number.isSafeInteger(at) || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  return { at, seq, roomTag: match[3] as string };
}

/**
 * A room's tag in offsets: 8 base64url characters of its SHA-256.
 *
 * @example
 * roomTag('lobby'); // 'S13Adue5'
 */
export function roomTag(room: Room): string {
  return createHash('sha256').update(room).digest('base64url').slice(0, 8);
}
