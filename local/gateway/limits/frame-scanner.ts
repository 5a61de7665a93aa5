/** The header of one WebSocket frame (RFC 6455 §5.2). */
export interface FrameHeader {
  readonly fin: boolean;
  /** 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  readonly opcode: number;
  /** Bytes of payload; `Infinity` for lengths beyond `Number.MAX_SAFE_INTEGER`. */
  readonly payloadLength: number;
}

const MAX_HEADER_BYTES = 14;

/**
 * Finds frame headers in the raw bytes of a WebSocket stream, chunk by chunk, without
 * buffering payloads: it sees every frame's size as soon as its header arrives.
 *
 * @example
 * const scanner = new FrameScanner((header) => console.log(header.opcode, header.payloadLength));
 * socket.prependListener('data', (chunk) => scanner.push(chunk));
 */
export class FrameScanner {
  private readonly header = Buffer.alloc(MAX_HEADER_BYTES);
  private headerBytes = 0;
  private payloadLeft = 0;

  constructor(private readonly onHeader: (header: FrameHeader) => void) {}

  /** Feeds the next bytes of the stream. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.payloadLeft > 0) {
        const skipped = Math.min(this.payloadLeft, chunk.length - offset);
        this.payloadLeft -= skipped;
        offset += skipped;
        continue;
      }
      const wanted = this.headerLength() - this.headerBytes;
      const taken = Math.min(wanted, chunk.length - offset);
      chunk.copy(this.header, this.headerBytes, offset, offset + taken);
      this.headerBytes += taken;
      offset += taken;
      if (this.headerBytes === this.headerLength()) this.completeHeader();
    }
  }

  /** Bytes of the current header: 2 until the second byte says more. */
  private headerLength(): number {
    if (this.headerBytes < 2) return 2;
    const second = this.header[1] as number;
    const lengthCode = second & 0x7f;
    const extended = lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0;
    const mask = second & 0x80 ? 4 : 0;
    return 2 + extended + mask;
  }

  private completeHeader(): void {
    const first = this.header[0] as number;
    const lengthCode = (this.header[1] as number) & 0x7f;
    let payloadLength: number = lengthCode;
    if (lengthCode === 126) payloadLength = this.header.readUInt16BE(2);
    if (lengthCode === 127) {
      const length = this.header.readBigUInt64BE(2);
      payloadLength =
        length > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(length);
    }
    this.headerBytes = 0;
    this.payloadLeft = payloadLength;
    this.onHeader({ fin: (first & 0x80) !== 0, opcode: first & 0x0f, payloadLength });
  }
}
