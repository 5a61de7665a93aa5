import {
  parseRecoveryOffset,
  recoveryOffset,
  roomTag,
} from '../../../lambdas/core/recovery-offset';

describe('recoveryOffset', () => {
  it('names the stored time, the seq and the room, and reads back as it was written', () => {
    // Act
    const offset = recoveryOffset({ room: 'lobby', seq: 42, at: 1_796_371_547_631 });

    // Assess
    expect(offset).toBe(`${(1_796_371_547_631).toString(36)}.16.${roomTag('lobby')}`);
    expect(parseRecoveryOffset(offset)).toEqual({
      at: 1_796_371_547_631,
      seq: 42,
      roomTag: roomTag('lobby'),
    });
  });

  it('tags different rooms differently, in 8 base64url characters', () => {
    // Act
    const tags = ['lobby', 'room:music', 'room:dev', 'Lobby'].map(roomTag);

    // Assess
    expect(new Set(tags).size).toBe(4);
    for (const tag of tags) expect(tag).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it.each([
    ['an app string', 'Alice has joined'],
    ['a number', 42],
    ['nothing', undefined],
    ['a seq of 0', `abc.0.${roomTag('lobby')}`],
    ['a short tag', 'abc.1.abc'],
    ['a time past safe integers', `zzzzzzzzzzz.1.${roomTag('lobby')}`],
    ['extra parts', `abc.1.${roomTag('lobby')}.x`],
  ])('reads %s as no offset', (_what, offset) => {
    // Act
    const parsed = parseRecoveryOffset(offset);

    // Assess
    expect(parsed).toBeUndefined();
  });
});
