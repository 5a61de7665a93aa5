import { createFrameLimitCheck } from '../../../../local/gateway/limits/frame-limits';

const KB = 1024;
const limits = { frameLimitBytes: 32 * KB, messageLimitBytes: 128 * KB };

describe('Function: createFrameLimitCheck', () => {
  it('accepts frames up to 32 KB and messages up to 128 KB', () => {
    const check = createFrameLimitCheck(limits);

    const results = [
      check({ fin: false, opcode: 1, payloadLength: 32 * KB }),
      check({ fin: false, opcode: 0, payloadLength: 32 * KB }),
      check({ fin: true, opcode: 9, payloadLength: 125 }),
      check({ fin: false, opcode: 0, payloadLength: 32 * KB }),
      check({ fin: true, opcode: 0, payloadLength: 32 * KB }),
      check({ fin: true, opcode: 1, payloadLength: 32 * KB }),
    ];

    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('answers 1009 for a frame over 32 KB', () => {
    const check = createFrameLimitCheck(limits);

    expect(check({ fin: true, opcode: 1, payloadLength: 32 * KB + 1 })).toEqual({
      code: 1009,
      reason: 'Frame too big',
    });
  });

  it('answers 1009 when the fragments of one message exceed 128 KB', () => {
    const check = createFrameLimitCheck(limits);
    for (let index = 0; index < 4; index += 1)
      check({ fin: false, opcode: index === 0 ? 1 : 0, payloadLength: 32 * KB });

    expect(check({ fin: true, opcode: 0, payloadLength: 1 })).toEqual({
      code: 1009,
      reason: 'Message too big',
    });
  });

  it('answers 1003 for a binary frame, whatever its size', () => {
    const check = createFrameLimitCheck(limits);

    expect(check({ fin: true, opcode: 2, payloadLength: 1 })).toEqual({
      code: 1003,
      reason: expect.any(String),
    });
  });
});
