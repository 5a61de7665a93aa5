import type { ErrorCode, RateLimit } from './errors';
import { encodeAck, encodeFailure, errorData } from './protocol';
import { encodeSocketIoAck, encodeSocketIoEvent } from './socketio-protocol';

/** A failure to tell a client: answering its ack when it asked for one, else as an `error` event. */
export interface Failure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly ack?: number | undefined;
  readonly ns?: string | undefined;
  readonly limit?: RateLimit | undefined;
}

/**
 * How the server answers a client in its own protocol: the reply to an ack id and a failure.
 *
 * @example
 * socketIoReplies('/chat').ack(1, ['hi']); // '43/chat,1["hi"]'
 * JSON_REPLIES.ack(1, ['hi']); // '{"ack":1,"data":"hi"}'
 */
export interface Replies {
  ack(id: number, values: readonly unknown[]): string;
  failure(failure: Failure): string;
}

/** JSON protocol v1: `{"ack":1,"data":…}`, `{"ack":1,"error":{…}}` or an `error` event frame. */
export const JSON_REPLIES: Replies = {
  ack: (id, values) => encodeAck(id, ...values),
  failure: (failure) => encodeFailure(failure),
};

/**
 * Socket.IO in namespace `ns`: the ack `43/ns,1[…]`; a failure answers the ack with one
 * argument `{"error":{"code","message"}}` (what a callback can tell from a result), or comes
 * as the event `42/ns,["error",{"code","message"}]`.
 */
export function socketIoReplies(ns: string): Replies {
  return {
    ack: (id, values) => encodeSocketIoAck(ns, id, values),
    failure: (failure) => {
      const error = errorData(failure);
      return failure.ack === undefined
        ? encodeSocketIoEvent(ns, 'error', [error])
        : encodeSocketIoAck(ns, failure.ack, [{ error }]);
    },
  };
}
