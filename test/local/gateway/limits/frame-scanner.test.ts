import { type FrameHeader, FrameScanner } from '../../../../local/gateway/limits/frame-scanner';

/** Builds one frame; client frames are masked. */
function frame(
  opcode: number,
  payloadLength: number,
  options: { fin?: boolean; masked?: boolean } = {},
): Buffer {
  const { fin = true, masked = true } = options;
  const lengthBytes = payloadLength < 126 ? 0 : payloadLength < 65_536 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (masked ? 4 : 0));
  header[0] = (fin ? 0x80 : 0) | opcode;
  const code = lengthBytes === 0 ? payloadLength : lengthBytes === 2 ? 126 : 127;
  header[1] = (masked ? 0x80 : 0) | code;
  if (lengthBytes === 2) header.writeUInt16BE(payloadLength, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(payloadLength), 2);
  return Buffer.concat([header, Buffer.alloc(payloadLength, 0x61)]);
}

function scan(chunks: Buffer[]): FrameHeader[] {
  const headers: FrameHeader[] = [];
  const scanner = new FrameScanner((header) => headers.push(header));
  for (const chunk of chunks) scanner.push(chunk);
  return headers;
}

describe('Class: FrameScanner', () => {
  const stream = Buffer.concat([
    frame(1, 5),
    frame(1, 300, { fin: false }),
    frame(9, 0),
    frame(0, 70_000),
    frame(2, 1, { masked: false }),
  ]);
  const expected = [
    { fin: true, opcode: 1, payloadLength: 5 },
    { fin: false, opcode: 1, payloadLength: 300 },
    { fin: true, opcode: 9, payloadLength: 0 },
    { fin: true, opcode: 0, payloadLength: 70_000 },
    { fin: true, opcode: 2, payloadLength: 1 },
  ];

  it('finds every header in one chunk, with 7-bit, 16-bit and 64-bit lengths', () => {
    expect(scan([stream])).toEqual(expected);
  });

  it('finds the same headers when the stream arrives byte by byte', () => {
    const bytes = Array.from({ length: stream.length }, (_, index) =>
      stream.subarray(index, index + 1),
    );

    expect(scan(bytes)).toEqual(expected);
  });

  it('reports a frame as soon as its header arrives, before the payload', () => {
    const big = frame(1, 40_000);

    expect(scan([big.subarray(0, 8)])).toEqual([{ fin: true, opcode: 1, payloadLength: 40_000 }]);
  });
});
