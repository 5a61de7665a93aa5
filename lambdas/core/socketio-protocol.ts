import { decodePacket, type Packet as EnginePacket, encodePacket } from 'engine.io-parser';
import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import { MAX_ARGS } from './protocol';

/**
 * The Engine.IO v4 / Socket.IO v5 wire protocol, beside JSON protocol v1: what a client sent
 * in one text frame, and the frames the server sends. Encoding and decoding are the
 * maintained `engine.io-parser` and `socket.io-parser`; this file maps their packets to what
 * the server does with them. API Gateway carries text frames only (a client's binary frame
 * closes the connection with 1003), so binary packets are refused.
 */

/** A frame of this protocol starts with an Engine.IO packet type (`0`–`6`); JSON ones with `{`. */
export function isSocketIoFrame(body: string): boolean {
  const first = body.charCodeAt(0);
  return first >= 48 && first <= 54;
}

/** What one client frame asks for. */
export type SocketIoInbound =
  /** Engine.IO `3`: the answer to the server's ping. */
  | { readonly kind: 'pong' }
  /** Engine.IO `2`: v4 clients never ping; answered with a pong anyway. */
  | { readonly kind: 'ping' }
  /** Engine.IO `1`: the client ends the session. */
  | { readonly kind: 'close' }
  /** Engine.IO `6` (and `5`, an upgrade, which a WebSocket-only session never needs). */
  | { readonly kind: 'noop' }
  /** Socket.IO CONNECT: `40/chat,{"token":"…"}`. */
  | { readonly kind: 'connect'; readonly ns: string; readonly auth: Record<string, unknown> }
  /** Socket.IO DISCONNECT: `41/chat,`. */
  | { readonly kind: 'disconnect'; readonly ns: string }
  /** Socket.IO EVENT: `42/chat,7["hello","world"]` (`ack` 7). */
  | {
      readonly kind: 'event';
      readonly ns: string;
      readonly event: string;
      readonly args: unknown[];
      readonly ack?: number;
    }
  /** Socket.IO ACK: `43/chat,7["answer"]`, the answer to the server's event 7. */
  | { readonly kind: 'ack'; readonly ns: string; readonly id: number; readonly args: unknown[] }
  /** Anything else, with what to tell the client (and the ack id, when one could be read). */
  | {
      readonly kind: 'invalid';
      readonly message: string;
      readonly ns?: string;
      readonly ack?: number;
    };

/**
 * Decodes one client text frame without throwing.
 *
 * @example
 * decodeSocketIoFrame('42/chat,1["nestjs","hi"]');
 * // { kind: 'event', ns: '/chat', event: 'nestjs', args: ['hi'], ack: 1 }
 */
export function decodeSocketIoFrame(body: string): SocketIoInbound {
  const engine = decodePacket(body) as EnginePacket;
  switch (engine.type) {
    case 'pong':
      return { kind: 'pong' };
    case 'ping':
      return { kind: 'ping' };
    case 'close':
      return { kind: 'close' };
    case 'noop':
    case 'upgrade':
      return { kind: 'noop' };
    case 'message':
      if (engine.data === undefined || engine.data === '')
        return { kind: 'invalid', message: 'Empty Socket.IO packet' };
      return typeof engine.data === 'string'
        ? decodeSocketIoPacket(engine.data)
        : { kind: 'invalid', message: BINARY_REFUSED };
    default:
      return {
        kind: 'invalid',
        message: `Engine.IO packet "${body.slice(0, 1)}" is not one a client sends`,
      };
  }
}

const BINARY_REFUSED =
  'Binary data cannot be sent through API Gateway WebSocket APIs: send text (e.g. base64 in a string)';

function decodeSocketIoPacket(text: string): SocketIoInbound {
  let packet: { type: PacketType; nsp: string; data?: unknown; id?: number } | undefined;
  const decoder = new Decoder();
  decoder.on('decoded', (decoded) => {
    packet = decoded;
  });
  try {
    decoder.add(text);
  } catch (error) {
    return { kind: 'invalid', message: `Invalid Socket.IO packet: ${(error as Error).message}` };
  } finally {
    decoder.destroy();
  }
  if (packet === undefined) {
    // Only a binary packet waits for attachments (frames API Gateway refuses) and emits nothing.
    const binary = text.startsWith('5') || text.startsWith('6');
    return { kind: 'invalid', message: binary ? BINARY_REFUSED : 'Empty Socket.IO packet' };
  }
  const { nsp: ns, data, id } = packet;
  switch (packet.type) {
    case PacketType.CONNECT:
      return { kind: 'connect', ns, auth: isRecord(data) ? data : {} };
    case PacketType.DISCONNECT:
      return { kind: 'disconnect', ns };
    case PacketType.EVENT: {
      const [event, ...args] = data as [string, ...unknown[]];
      if (args.length > MAX_ARGS)
        return invalid(`An event carries at most ${MAX_ARGS} arguments`, ns, id);
      return { kind: 'event', ns, event, args, ...(id === undefined ? {} : { ack: id }) };
    }
    case PacketType.ACK:
      if (id === undefined) return invalid('An ACK packet needs an id', ns);
      if ((data as unknown[]).length > MAX_ARGS)
        return invalid(`An ack carries at most ${MAX_ARGS} arguments`, ns);
      return { kind: 'ack', ns, id, args: data as unknown[] };
    case PacketType.BINARY_EVENT:
    case PacketType.BINARY_ACK:
      return invalid(BINARY_REFUSED, ns, id);
    default:
      return invalid('A client does not send CONNECT_ERROR', ns);
  }
}

function invalid(message: string, ns: string, ack?: number): SocketIoInbound {
  return { kind: 'invalid', message, ns, ...(ack === undefined ? {} : { ack }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the Engine.IO open packet announces. */
export interface EngineOpen {
  /** The session id: the connection id. */
  readonly sid: string;
  /** Milliseconds between the server's pings. */
  readonly pingInterval: number;
  /** Milliseconds the client waits past `pingInterval` before it gives the connection up. */
  readonly pingTimeout: number;
  /** Largest frame the server accepts, in bytes. */
  readonly maxPayload: number;
}

/**
 * The Engine.IO open packet, the first frame of a session.
 *
 * @example
 * encodeOpen({ sid: 'R1kmxc2VNjMCFIA=', pingInterval: 300_000, pingTimeout: 60_000, maxPayload: 65_536 });
 * // '0{"sid":"R1kmxc2VNjMCFIA=","upgrades":[],"pingInterval":300000,"pingTimeout":60000,"maxPayload":65536}'
 */
export function encodeOpen(open: EngineOpen): string {
  return engineFrame(
    'open',
    JSON.stringify({ sid: open.sid, upgrades: [], ...without(open, 'sid') }),
  );
}

/** The server's ping (`2`). */
export const PING_FRAME = '2';
/** The answer to a client's ping (`3`). */
export const PONG_FRAME = '3';

/**
 * The answer to a namespace's CONNECT: `40/chat,{"sid":"…"}`.
 *
 * @example
 * encodeConnect('/chat', 'R1kmxc2VNjMCFIA='); // '40/chat,{"sid":"R1kmxc2VNjMCFIA="}'
 * encodeConnect('/chat', 'R1kmxc2VNjMCFIA=', 'pid'); // '40/chat,{"sid":"R1kmxc2VNjMCFIA=","pid":"pid"}'
 */
export function encodeConnect(ns: string, sid: string, pid?: string): string {
  const data = pid === undefined ? { sid } : { sid, pid };
  return socketIoFrame({ type: PacketType.CONNECT, nsp: ns, data });
}

/**
 * A refused CONNECT, the client's `connect_error` (`err.message`, `err.data`).
 *
 * @example
 * encodeConnectError('/chat', 'Unauthorized', { code: 401 }); // '44/chat,{"message":"Unauthorized","data":{"code":401}}'
 */
export function encodeConnectError(ns: string, message: string, data?: unknown): string {
  return socketIoFrame({
    type: PacketType.CONNECT_ERROR,
    nsp: ns,
    data: data === undefined ? { message } : { message, data },
  });
}

/**
 * The server ends the namespace's socket: `41/chat,` (the client's `disconnect`, reason
 * "io server disconnect").
 */
export function encodeDisconnect(ns: string): string {
  return socketIoFrame({ type: PacketType.DISCONNECT, nsp: ns });
}

/**
 * An event, asking for the client's answer when `ack` is given.
 *
 * @example
 * encodeEvent('/chat', 'hello', ['server!'], 3); // '42/chat,3["hello","server!"]'
 */
export function encodeSocketIoEvent(
  ns: string,
  event: string,
  args: readonly unknown[],
  ack?: number,
): string {
  return socketIoFrame({
    type: PacketType.EVENT,
    nsp: ns,
    data: [event, ...args],
    ...(ack === undefined ? {} : { id: ack }),
  });
}

/**
 * The answer to a client's event `id`.
 *
 * @example
 * encodeSocketIoAck('/chat', 1, ['hi']); // '43/chat,1["hi"]'
 */
export function encodeSocketIoAck(ns: string, id: number, args: readonly unknown[]): string {
  return socketIoFrame({ type: PacketType.ACK, nsp: ns, data: [...args], id });
}

const encoder = new Encoder();

function socketIoFrame(packet: {
  type: PacketType;
  nsp: string;
  data?: unknown;
  id?: number;
}): string {
  const [encoded] = encoder.encode(packet) as [string];
  return engineFrame('message', encoded);
}

function engineFrame(type: EnginePacket['type'], data: string): string {
  let frame = '';
  encodePacket({ type, data }, false, (encoded) => {
    frame = encoded as string;
  });
  return frame;
}

function without<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _, ...rest } = value;
  return rest;
}
