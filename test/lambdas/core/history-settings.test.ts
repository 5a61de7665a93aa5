import fc from 'fast-check';
import { historySettings } from '../../../lambdas/core/history-settings';
import { socketIds } from '../../support/socket-id-arbitrary';

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
