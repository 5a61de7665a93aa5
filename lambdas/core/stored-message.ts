import type { StoredMessage } from './types';

/**
 * A message as a message log keeps it: only the fields of `StoredMessage`, `data` and `args`
 * through JSON, so nothing the caller holds can change it later.
 *
 * @example
 * storedMessage(7, { event: 'chat', data: 'hi', at: Date.now() });
 */
export function storedMessage(seq: number, message: Omit<StoredMessage, 'seq'>): StoredMessage {
  return {
    seq,
    ...(message.id === undefined ? {} : { id: message.id }),
    event: message.event,
    data: message.data === undefined ? undefined : JSON.parse(JSON.stringify(message.data)),
    ...(message.args === undefined ? {} : { args: JSON.parse(JSON.stringify(message.args)) }),
    ...(message.from === undefined ? {} : { from: message.from }),
    ...(message.user === undefined
      ? {}
      : { user: { id: message.user.id, name: message.user.name } }),
    at: message.at,
  };
}
