import { type Frame, LoadClient } from '../load/load-client';

/** Bound of one handshake or one ack. */
export const STEP_TIMEOUT_MS = 10_000;

/** A socket of namespace `/` with its connection id and a replaceable event handler. */
export interface E2eClient {
  readonly socket: LoadClient;
  readonly id: string;
  /** Called with every event frame and its arrival time (`performance.now()`). */
  onEvent: (frame: Frame, at: number) => void;
  /** Why the socket closed unexpectedly, once it has. */
  closedUnexpectedly?: string;
}

/**
 * Opens a client of namespace `/` on `url` (anonymous runtime) and asks its connection id.
 *
 * @example
 * const alice = await openE2eClient(runtime.gateway.url);
 * alice.onEvent = (frame, at) => console.log(frame.event, at);
 */
export async function openE2eClient(url: string): Promise<E2eClient> {
  const holder: { client?: E2eClient } = {};
  const socket = await LoadClient.open(
    `${url}?ns=/`,
    {
      onEvent: (frame, at) => holder.client?.onEvent(frame, at),
      onUnexpected: () => undefined,
      onUnexpectedClose: (code, reason) => {
        if (holder.client) holder.client.closedUnexpectedly = `${code} ${reason}`.trim();
      },
    },
    STEP_TIMEOUT_MS,
  );
  const reply = await request(socket, 'whoami', undefined);
  const id = (reply as { id?: unknown }).id;
  if (typeof id !== 'string') throw new Error(`whoami gave no id: ${JSON.stringify(reply)}`);
  holder.client = { socket, id, onEvent: () => undefined };
  return holder.client;
}

/** Sends `action` and resolves with the ack's data; rejects when the ack carries an error. */
export async function request(socket: LoadClient, action: string, data: unknown): Promise<unknown> {
  const reply = await socket.request(action, data, STEP_TIMEOUT_MS);
  if (reply.error !== undefined)
    throw new Error(`${action} failed: ${JSON.stringify(reply.error)}`);
  return reply.data;
}
