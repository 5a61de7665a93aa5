import type { FrameHeader } from './frame-scanner';

/** Close code 1009: a frame or message over the limit. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;
/** Close code 1003: a data type the endpoint does not accept (binary). */
export const CLOSE_UNSUPPORTED_DATA = 1003;

/** Why the gateway closes a connection, as the close frame carries it. */
export interface LimitViolation {
  readonly code: number;
  readonly reason: string;
}

export interface FrameLimits {
  /** Largest payload of one frame: 32 KB on API Gateway. */
  readonly frameLimitBytes: number;
  /** Largest message, all its fragments together: 128 KB on API Gateway. */
  readonly messageLimitBytes: number;
}

const OPCODE_CONTINUATION = 0;
const OPCODE_BINARY = 2;
const FIRST_CONTROL_OPCODE = 8;

/**
 * API Gateway's limits on what clients send, checked frame header by frame header: a frame
 * over `frameLimitBytes` or a message over `messageLimitBytes` closes with 1009, a binary
 * frame with 1003. Returns a function that answers each header with a violation or nothing.
 *
 * @example
 * const check = createFrameLimitCheck({ frameLimitBytes: 32 * 1024, messageLimitBytes: 128 * 1024 });
 * check({ fin: true, opcode: 1, payloadLength: 40_000 }); // { code: 1009, reason: 'Frame too big' }
 */
export function createFrameLimitCheck(
  limits: FrameLimits,
): (header: FrameHeader) => LimitViolation | undefined {
  let messageBytes = 0;
  return (header) => {
    if (header.opcode >= FIRST_CONTROL_OPCODE) return undefined;
    if (header.opcode === OPCODE_BINARY) {
      return { code: CLOSE_UNSUPPORTED_DATA, reason: 'Binary frames are not supported' };
    }
    if (header.payloadLength > limits.frameLimitBytes) {
      return { code: CLOSE_MESSAGE_TOO_BIG, reason: 'Frame too big' };
    }
    messageBytes =
      header.opcode === OPCODE_CONTINUATION
        ? messageBytes + header.payloadLength
        : header.payloadLength;
    if (messageBytes > limits.messageLimitBytes) {
      return { code: CLOSE_MESSAGE_TOO_BIG, reason: 'Message too big' };
    }
    return undefined;
  };
}
