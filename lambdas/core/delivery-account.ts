import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one frame has had posted on its user's behalf so far: the recipients its budget
 * write reserved, those its emits reached, and those charged on top of the reserve.
 */
export interface DeliveryAccount {
  /** The budget key (the user's id) and window the frame was charged in. */
  readonly key: string;
  readonly window: number;
  readonly reserved: number;
  used: number;
  charged: number;
}

const storage = new AsyncLocalStorage<DeliveryAccount>();

/**
 * Runs a frame's handler with its delivery account, so every emit it causes, however deep,
 * is charged to the frame's user. Accounts are per async context: concurrent frames never mix.
 *
 * @example
 * await runWithDeliveryAccount({ key: 'alice', window, reserved: 50, used: 0, charged: 0 }, () => handler(socket, data, ack));
 */
export function runWithDeliveryAccount<T>(
  account: DeliveryAccount,
  work: () => Promise<T>,
): Promise<T> {
  return storage.run(account, work);
}

/** The account of the frame being handled in this async context, if any. */
export function currentDeliveryAccount(): DeliveryAccount | undefined {
  return storage.getStore();
}
