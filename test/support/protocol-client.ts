import WebSocket from 'ws';

/** A server → client frame of protocol v1 (an event, an ack reply, or a gateway message). */
export type Frame = Record<string, unknown>;

/**
 * A raw `ws` client that speaks protocol v1, for integration tests: it numbers acks,
 * queues every frame it receives and waits for the ones a test expects.
 *
 * @example
 * const ann = await ProtocolClient.open(`${url}?ns=/`);
 * await ann.request('join', { room: 'lobby' }); // { room: 'lobby', members: 1 }
 */
export class ProtocolClient {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  private nextAck = 1;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.frames.push(isBinary ? { binary: true } : (JSON.parse(data.toString()) as Frame));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /**
   * Opens a socket, offering `token` as the subprotocol `token.<jwt>` next to `apigw-chat`
   * (as the page and the client SDK do); rejects with the handshake's HTTP status when it is
   * refused.
   */
  static open(
    url: string,
    options: WebSocket.ClientOptions & { readonly token?: string } = {},
  ): Promise<ProtocolClient> {
    const { token, ...wsOptions } = options;
    const protocols = token === undefined ? [] : ['apigw-chat', `token.${token}`];
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, wsOptions);
      const client = new ProtocolClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_request, response) => {
        reject(
          Object.assign(new Error(`handshake ${response.statusCode}`), {
            status: response.statusCode,
          }),
        );
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  /** Sends a frame as JSON text. */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends an event with a fresh ack id and resolves with the ack's data (rejects on an error reply). */
  async request(action: string, data?: unknown): Promise<unknown> {
    const reply = await this.requestRaw(action, data);
    if (reply.error)
      throw Object.assign(new Error(JSON.stringify(reply.error)), reply.error as object);
    return reply.data;
  }

  /** Sends an event with a fresh ack id and resolves with the whole reply frame. */
  async requestRaw(action: string, data?: unknown): Promise<Frame> {
    const ack = this.nextAck++;
    this.send({ action, ...(data === undefined ? {} : { data }), ack });
    return this.take((frame) => frame.ack === ack);
  }

  /** Waits for (and removes from the queue) the first frame that matches. */
  async take(match: (frame: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0] as Frame;
      if (Date.now() >= deadline) {
        throw new Error(
          `No matching frame within ${timeoutMs} ms; queued: ${JSON.stringify(this.frames)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for an event frame by name. */
  event(name: string, timeoutMs?: number): Promise<Frame> {
    return this.take((frame) => frame.event === name, timeoutMs);
  }

  /** Waits until the socket closes and returns the close code. */
  async closedWith(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() >= deadline) throw new Error('socket still open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closed;
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
