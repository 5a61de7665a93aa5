import fc from 'fast-check';
import { historySettings, roomFilter } from '../../../lambdas/core/room-features';
import { isSocketId } from '../../../lambdas/core/socket-id';

/** Strings shaped like API Gateway connection ids: 15 base64 characters and `=`. */
const socketIds = fc
  .string({
    unit: fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split(''),
    ),
    minLength: 15,
    maxLength: 15,
  })
  .map((base) => `${base}=`);

describe('Function: historySettings', () => {
  it('defaults to every room, a day and 1,000 messages', () => {
    // Act
    const settings = historySettings({});

    // Assess
    expect(settings.retentionSeconds).toBe(86_400);
    expect(settings.maxLength).toBe(1_000);
    expect(['lobby', 'room:dev', 'private:ops', 'x'].map(settings.keeps)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('keeps the given retention, length and rooms', () => {
    // Act
    const settings = historySettings({
      rooms: (room) => room.startsWith('keep:'),
      retentionSeconds: 1,
      maxLength: 1,
    });

    // Assess
    expect(settings.retentionSeconds).toBe(1);
    expect(settings.maxLength).toBe(1);
    expect(settings.keeps('keep:a')).toBe(true);
    expect(settings.keeps('lobby')).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -86_400])(
    'refuses retentionSeconds %p: it must be a positive integer',
    (retentionSeconds) => {
      // Act
      const building = () => historySettings({ retentionSeconds });

      // Assess
      expect(building).toThrow(
        `retentionSeconds must be a positive integer, not ${retentionSeconds}`,
      );
    },
  );

  it.each([0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses maxLength %p: it must be a positive integer',
    (maxLength) => {
      // Act
      const building = () => historySettings({ maxLength });

      // Assess
      expect(building).toThrow(`maxLength must be a positive integer, not ${maxLength}`);
    },
  );

  it('never keeps the history of a connection’s own room, whatever the filter says', () => {
    // Prepare
    const settings = historySettings({ rooms: () => true });

    // Act & Assess
    fc.assert(fc.property(socketIds, (id) => settings.keeps(id) === false));
  });
});

describe('Function: roomFilter', () => {
  it('without a filter accepts every room but connection ids', () => {
    // Prepare
    const filter = roomFilter(undefined);

    // Act & Assess
    expect(filter('lobby')).toBe(true);
    expect(filter('R1kmxc2VNjMCFIA=')).toBe(false);
    // Almost an id: 14 characters and `=`, or 16 without.
    expect(filter('R1kmxc2VNjMCFI=')).toBe(true);
    expect(filter('R1kmxc2VNjMCFIAA')).toBe(true);
  });

  it('applies the given filter to other rooms', () => {
    // Prepare
    const filter = roomFilter((room) => room.startsWith('team:'));

    // Act & Assess
    expect(filter('team:a')).toBe(true);
    expect(filter('lobby')).toBe(false);
  });

  it('never includes a connection id, even when the given filter accepts everything', () => {
    // Prepare
    const filter = roomFilter(() => true);

    // Act & Assess
    fc.assert(fc.property(socketIds, (id) => filter(id) === false));
  });

  it('agrees with the given filter on every room that is not a connection id', () => {
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (room, verdict) => {
        const filter = roomFilter(() => verdict);
        return filter(room) === (!isSocketId(room) && verdict);
      }),
    );
  });
});
