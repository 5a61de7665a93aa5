import type { Duplex } from 'node:stream';
import { type RawData, WebSocket } from 'ws';
import type { ConnectionFacts } from './events';
import { ConnectionTimers, type ExpiredLimit } from './limits/connection-timers';
import { createFrameLimitCheck, type FrameLimits } from './limits/frame-limits';
import { FrameScanner } from './limits/frame-scanner';
import type { GatewayLogger } from './logger';
import { sendText } from './outbound-frames';

/** Close code and reason API Gateway uses for the idle timeout and the maximum duration. */
export const GOING_AWAY = { code: 1001, reason: 'Going away' } as const;
/** How long a server-initiated close waits for the client's close frame before dropping TCP. */
const CLOSE_HANDSHAKE_TIMEOUT_MS = 1_000;
const FIRST_CONTROL_OPCODE = 8;

export interface GatewayConnectionOptions extends FrameLimits {
  readonly facts: ConnectionFacts;
  readonly ws: WebSocket;
  /** The upgraded TCP socket under `ws`, scanned for frame headers before `ws` parses them. */
  readonly rawSocket: Duplex;
  readonly idleTimeoutMs: number;
  readonly maxDurationMs: number;
  /** Whether ping/pong frames from the client reset the idle timeout (unverified on AWS). */
  readonly controlFramesAreActivity: boolean;
  readonly logger: GatewayLogger;
  /** A text message from the client. */
  readonly onMessage: (connection: GatewayConnection, body: string) => void;
  /** The connection ended; called exactly once, with the status code `$disconnect` reports. */
  readonly onClose: (connection: GatewayConnection, statusCode: number, reason: string) => void;
}

/**
 * One open WebSocket connection with API Gateway's limits: frames over 32 KB or messages over
 * 128 KB close it with 1009, binary frames with 1003, idleness and age with 1001.
 *
 * @example
 * const connection = new GatewayConnection({ facts, ws, rawSocket, ...limits, onMessage, onClose });
 * connection.send('{"event":"hello"}');
 */
export class GatewayConnection {
  readonly facts: ConnectionFacts;
  /** Resolves once the connection has ended and `onClose` has been called. */
  readonly closed: Promise<void>;
  private markClosed: () => void = () => undefined;
  private lastActive: number;
  private serverClose: { readonly code: number; readonly reason: string } | undefined;
  private ended = false;
  private closeHandshakeTimer: NodeJS.Timeout | undefined;
  private readonly timers: ConnectionTimers;

  constructor(private readonly options: GatewayConnectionOptions) {
    this.facts = options.facts;
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
    this.lastActive = options.facts.connectedAt;
    this.timers = new ConnectionTimers({
      idleTimeoutMs: options.idleTimeoutMs,
      maxDurationMs: options.maxDurationMs,
      onExpire: (limit) => this.expire(limit),
    });
    this.watchFrames();
    this.watchSocket();
  }

  get id(): string {
    return this.facts.connectionId;
  }

  /** Open: neither side has started closing. */
  get isOpen(): boolean {
    return (
      !this.ended && this.serverClose === undefined && this.options.ws.readyState === WebSocket.OPEN
    );
  }

  /** Epoch ms of the last message in either direction. */
  get lastActiveAt(): number {
    return this.lastActive;
  }

  /**
   * Sends one text message (fragmented at the frame limit). Returns false when not open.
   *
   * @example
   * if (!connection.send(frame)) respondGone();
   */
  send(text: string | Buffer): boolean {
    if (!this.isOpen) return false;
    sendText(this.options.ws, text, this.options.frameLimitBytes);
    this.touch();
    return true;
  }

  /**
   * Starts a server-side close; `$disconnect` will report `code` and `reason`. Drops the TCP
   * connection if the client does not answer the close frame in time. Idempotent.
   *
   * @example
   * connection.close(1001, 'Going away');
   */
  close(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.serverClose = { code, reason };
    this.timers.stop();
    this.options.ws.close(code, reason);
    this.closeHandshakeTimer = setTimeout(
      () => this.options.ws.terminate(),
      CLOSE_HANDSHAKE_TIMEOUT_MS,
    );
  }

  private touch(): void {
    this.lastActive = Date.now();
    this.timers.touch();
  }

  private expire(limit: ExpiredLimit): void {
    this.options.logger.info(
      `${this.id}: ${limit === 'idle' ? 'idle timeout' : 'maximum duration'} reached`,
    );
    this.close(GOING_AWAY.code, GOING_AWAY.reason);
  }

  private watchFrames(): void {
    const check = createFrameLimitCheck(this.options);
    const scanner = new FrameScanner((header) => {
      if (!this.isOpen) return;
      const violation = check(header);
      if (violation) {
        this.options.logger.info(
          `${this.id}: closing with ${violation.code} (${violation.reason})`,
        );
        this.close(violation.code, violation.reason);
      } else if (header.opcode < FIRST_CONTROL_OPCODE || this.options.controlFramesAreActivity) {
        this.touch();
      }
    });
    this.options.rawSocket.prependListener('data', (chunk: Buffer) => {
      if (this.isOpen) scanner.push(chunk);
    });
  }

  private watchSocket(): void {
    const { ws, logger, onMessage, onClose } = this.options;
    ws.on('message', (data, isBinary) => {
      if (this.isOpen && !isBinary) onMessage(this, rawDataToString(data));
    });
    ws.on('error', (error) => logger.info(`${this.id}: ${error.message}`));
    ws.on('close', (code, reason) => {
      if (this.ended) return;
      this.ended = true;
      this.timers.stop();
      clearTimeout(this.closeHandshakeTimer);
      const statusCode = this.serverClose?.code ?? code;
      onClose(this, statusCode, this.serverClose?.reason ?? reason.toString('utf8'));
      this.markClosed();
    });
  }
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
