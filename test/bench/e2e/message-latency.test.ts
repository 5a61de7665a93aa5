import { sequenceOf } from '../../../bench/e2e/message-latency';

describe('Function: sequenceOf', () => {
  it('reads the seq of a bench message of the expected event and tag', () => {
    expect(
      sequenceOf({ event: 'chat', data: { tag: 'room', seq: 3 }, room: 'r' }, 'chat', 'room'),
    ).toBe(3);
  });

  it.each([
    [{ event: 'direct', data: { tag: 'room', seq: 3 } }],
    [{ event: 'chat', data: { tag: 'burst', seq: 3 } }],
    [{ event: 'chat', data: { tag: 'room', seq: '3' } }],
    [{ event: 'chat', data: 'hello' }],
    [{ event: 'chat' }],
  ])('is undefined for another frame: %j', (frame) => {
    expect(sequenceOf(frame, 'chat', 'room')).toBeUndefined();
  });
});
