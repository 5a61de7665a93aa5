import { AsyncLocalStorage } from 'node:async_hooks';
import type { SocketId } from './types';

/** Frames addressed, during its `$connect`, to the connection being connected. */
export interface ConnectScope {
  readonly connectionId: SocketId;
  readonly frames: string[];
}

const storage = new AsyncLocalStorage<ConnectScope>();

/**
 * Runs `work` in the scope of a connection whose `$connect` has not returned: posts to it
 * are collected instead of sent (API Gateway would answer 410), to be delivered once the
 * socket is open. Scopes are per async context, so concurrent invocations never mix.
 *
 * @example
 * const { result, frames } = await runInConnectScope(id, () => hook(socket));
 */
export async function runInConnectScope<T>(
  connectionId: SocketId,
  work: () => Promise<T>,
): Promise<{ result: T; frames: string[] }> {
  const scope: ConnectScope = { connectionId, frames: [] };
  const result = await storage.run(scope, work);
  return { result, frames: scope.frames };
}

/** The scope of the connection being connected in this async context, if any. */
export function currentConnectScope(): ConnectScope | undefined {
  return storage.getStore();
}
