import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** Bound of one handshake step or one ack. */
const STEP_TIMEOUT_MS = 10_000;

/**
 * A bare Engine.IO v4 / Socket.IO v5 client on `ws`, for measuring: the frames as the server
 * sends them, with their arrival times, and no library in between. (The tests use the real
 * socket.io-client.)
 *
 * @example
 * const client = await EngineClient.open('ws://127.0.0.1:3001/local');
 * client.openPacketMs; // WebSocket open → open packet
 * await client.connect('/'); // 40 → 40{"sid"}
 */
export class EngineClient {
  private readonly waiting: { match: (frame: string) => boolean; done: (frame: string) => void }[] =
    [];
  /** Called with every frame and its arrival time (`performance.now()`). */
  onFrame: (frame: string, at: number) => void = () => undefined;
  private nextAck = 0;

  private constructor(
    private readonly ws: WebSocket,
    /** Milliseconds from the WebSocket's open to the Engine.IO open packet. */
    readonly openPacketMs: number,
    readonly sid: string,
  ) {
    ws.on('message', (data) => {
      const frame = data.toString();
      const at = performance.now();
      if (frame === '2') ws.send('3');
      const index = this.waiting.findIndex((wait) => wait.match(frame));
      if (index >= 0) this.waiting.splice(index, 1)[0]?.done(frame);
      else this.onFrame(frame, at);
    });
  }

  /** Opens a session on the stage URL and waits for the open packet. */
  static async open(stageUrl: string): Promise<EngineClient> {
    const ws = new WebSocket(`${stageUrl}?EIO=4&transport=websocket`);
    let opened = 0;
    ws.once('open', () => {
      opened = performance.now();
    });
    // Listening from the start: the open packet may come in the read that completes the handshake.
    const packet = await new Promise<{ frame: string; at: number }>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('no open packet')), STEP_TIMEOUT_MS);
      ws.once('error', fail);
      ws.once('message', (data) => {
        clearTimeout(timer);
        done({ frame: data.toString(), at: performance.now() });
      });
    });
    if (!packet.frame.startsWith('0')) throw new Error(`not an open packet: ${packet.frame}`);
    const { sid } = JSON.parse(packet.frame.slice(1)) as { sid: string };
    return new EngineClient(ws, packet.at - opened, sid);
  }

  /** Connects namespace `ns` and resolves with the milliseconds to its CONNECT answer. */
  async connect(ns: string): Promise<number> {
    const prefix = ns === '/' ? '' : `${ns},`;
    const started = performance.now();
    const answer = this.next(
      (frame) => frame.startsWith(`40${prefix}`) || frame.startsWith(`44${prefix}`),
    );
    this.ws.send(`40${prefix}`);
    const frame = await answer;
    if (frame.startsWith('44')) throw new Error(`CONNECT refused: ${frame}`);
    return performance.now() - started;
  }

  /** Emits `event` in namespace `/` asking for an ack, and resolves with the ack's arguments. */
  async request(event: string, ...args: unknown[]): Promise<unknown[]> {
    const id = this.nextAck++;
    const answer = this.next((frame) => frame.startsWith(`43${id}[`));
    this.ws.send(`42${id}${JSON.stringify([event, ...args])}`);
    return JSON.parse((await answer).slice(2 + String(id).length)) as unknown[];
  }

  close(): void {
    this.ws.close();
  }

  private next(match: (frame: string) => boolean): Promise<string> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error('no answer in time')), STEP_TIMEOUT_MS);
      this.waiting.push({
        match,
        done: (frame) => {
          clearTimeout(timer);
          done(frame);
        },
      });
    });
  }
}
