import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** A server → client frame of protocol v1, as parsed. */
export type Frame = Record<string, unknown>;

/** An ack reply: `data` on success, `error` on failure; `at` is when it arrived (`performance.now()`). */
export interface AckReply {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly at: number;
}

/** What a load client reports while it runs. */
export interface LoadClientListener {
  /** An event frame (it has `event`), with its arrival time (`performance.now()`). */
  onEvent(frame: Frame, at: number): void;
  /** A frame that is neither an event nor the reply to a pending ack, or not JSON. */
  onUnexpected(frame: unknown): void;
  /** The socket closed without `close()` having been called. */
  onUnexpectedClose(code: number, reason: string): void;
}

interface PendingAck {
  readonly resolve: (reply: AckReply) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A minimal protocol v1 client for load runs: numbers acks and resolves each with its reply,
 * and hands every other frame to a listener as it arrives (nothing is queued).
 *
 * @example
 * const client = await LoadClient.open(`${url}?ns=/`, listener);
 * const { data } = await client.request('whoami', undefined, 5_000); // { id, ns: '/' }
 * await client.close();
 */
export class LoadClient {
  private nextAck = 1;
  private readonly pending = new Map<number, PendingAck>();
  private closing = false;
  private closed = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly listener: LoadClientListener,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
    ws.on('close', (code, reason) => {
      this.closed = true;
      this.failPending(new Error(`socket closed (${code})`));
      if (!this.closing) listener.onUnexpectedClose(code, reason.toString());
    });
    ws.on('error', () => undefined); // a 'close' always follows
  }

  /** Opens a socket; rejects when the handshake fails or takes longer than `timeoutMs`. */
  static open(url: string, listener: LoadClientListener, timeoutMs: number): Promise<LoadClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
      const client = new LoadClient(ws, listener);
      client.closing = true; // a refused handshake is reported by the rejection, not as a close
      ws.once('open', () => {
        client.closing = false;
        resolve(client);
      });
      ws.once('unexpected-response', (_request, response) => {
        reject(new Error(`handshake refused with HTTP ${response.statusCode}`));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  /** Sends `action` with a fresh ack id; resolves with the reply, rejects on timeout or close. */
  request(action: string, data: unknown, timeoutMs: number): Promise<AckReply> {
    if (this.closed) return Promise.reject(new Error('socket closed'));
    const ack = this.nextAck++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ack);
        reject(new Error(`no ack for ${action} within ${Math.round(timeoutMs)} ms`));
      }, timeoutMs);
      this.pending.set(ack, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ action, ...(data === undefined ? {} : { data }), ack }));
    });
  }

  /** Closes with 1000 and waits for the close handshake (at most `timeoutMs`, then terminates). */
  close(timeoutMs = 2_000): Promise<void> {
    this.closing = true;
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), timeoutMs);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close(1000);
    });
  }

  private onMessage(text: string, isBinary: boolean): void {
    const at = performance.now();
    let frame: unknown;
    try {
      frame = isBinary ? undefined : JSON.parse(text);
    } catch {
      frame = undefined;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.listener.onUnexpected(isBinary ? '<binary frame>' : text);
      return;
    }
    const record = frame as Frame;
    const pending = typeof record.ack === 'number' ? this.pending.get(record.ack) : undefined;
    if (pending !== undefined) {
      this.pending.delete(record.ack as number);
      clearTimeout(pending.timer);
      pending.resolve({ data: record.data, error: record.error, at });
    } else if (typeof record.event === 'string') this.listener.onEvent(record, at);
    else this.listener.onUnexpected(record);
  }

  private failPending(error: Error): void {
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(error);
    }
    this.pending.clear();
  }
}
