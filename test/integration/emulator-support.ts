import type { Context } from 'aws-lambda';
import WebSocket from 'ws';
import {
  type Gateway,
  type GatewayOptions,
  type LambdaHandler,
  LOCAL_AWS,
  silentLogger,
  startGateway,
} from '../../local/gateway';

/**
 * Region and static credentials for the real SDK clients pointed at the emulator: the ones
 * its `@connections` API accepts signatures of by default.
 */
export const SDK_CONFIG = LOCAL_AWS;

/** An event as the fake handlers see it. */
export type AnyEvent = Record<string, unknown> & {
  requestContext: Record<string, unknown> & { connectionId: string; routeKey: string };
  body?: string;
};

/** What a fake handler received. */
export interface Invocation {
  readonly event: AnyEvent;
  readonly context: Context;
}

/**
 * Fake handlers that record every invocation; `behave` overrides a function's result.
 *
 * @example
 * const fakes = recordingFunctions({ message: async (event) => ({ statusCode: 200, body: event.body }) });
 */
export function recordingFunctions(
  behave: Record<string, (event: AnyEvent, context: Context) => unknown> = {},
) {
  const calls: Record<string, Invocation[]> = {};
  const names = new Set(['connect', 'disconnect', 'message', 'worker', ...Object.keys(behave)]);
  const functions: Record<string, LambdaHandler> = {};
  for (const name of names) {
    calls[name] = [];
    functions[name] = async (event: unknown, context: Context) => {
      calls[name]?.push({ event: event as AnyEvent, context });
      const behaviour = behave[name];
      return behaviour ? behaviour(event as AnyEvent, context) : { statusCode: 200 };
    };
  }
  const of = (name: string): Invocation[] => calls[name] ?? [];
  return { functions, calls: of };
}

/**
 * Starts gateways on free ports with a silent logger, and opens clients on them; `stopAll`
 * closes every gateway started and terminates every socket opened or tracked.
 */
export function gatewayPool() {
  const gateways: Gateway[] = [];
  const sockets: WebSocket[] = [];
  return {
    async start(options: GatewayOptions): Promise<Gateway> {
      const gateway = await startGateway({ logger: silentLogger, ...options });
      gateways.push(gateway);
      return gateway;
    },
    track(ws: WebSocket): WebSocket {
      sockets.push(ws);
      return ws;
    },
    /** `openClient`, its socket terminated by `stopAll`. */
    async open(...args: Parameters<typeof openClient>): Promise<TestClient> {
      const client = await openClient(...args);
      sockets.push(client.ws);
      return client;
    },
    async stopAll(): Promise<void> {
      for (const ws of sockets.splice(0)) ws.terminate();
      await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    },
  };
}

/** A client socket with a queue of the text messages it received. */
export interface TestClient {
  readonly ws: WebSocket;
  /** The next message, waiting up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<string>;
  /** Messages received and not yet taken. */
  readonly pending: string[];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/**
 * Opens a WebSocket and resolves once it is open; rejects with `Unexpected server response: N`.
 *
 * @example
 * const client = await openClient(`${gateway.url}?ns=/`);
 */
export function openClient(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
) {
  const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
  const pending: string[] = [];
  const waiters: ((message: string) => void)[] = [];
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
    const waiter = waiters.shift();
    if (waiter) waiter(text);
    else pending.push(text);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const client: TestClient = {
    ws,
    pending,
    closed,
    next: (timeoutMs = 2_000) => {
      const queued = pending.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message')), timeoutMs);
        waiters.push((message) => {
          clearTimeout(timer);
          resolve(message);
        });
      });
    },
  };
  return new Promise<TestClient>((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

/**
 * The HTTP status of a refused handshake.
 *
 * @example
 * expect(await handshakeStatus(gateway.url)).toBe(401);
 */
export function handshakeStatus(url: string, protocols: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('handshake succeeded'));
    });
    ws.once('error', () => undefined);
  });
}

/**
 * Polls until `predicate` holds, or fails after `timeoutMs`.
 *
 * @example
 * await waitFor(() => calls('disconnect').length === 1);
 */
export async function waitFor(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
