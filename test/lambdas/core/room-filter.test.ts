import fc from 'fast-check';
import { roomFilter } from '../../../lambdas/core/room-filter';
import { isSocketId } from '../../../lambdas/core/socket-id';
import { socketIds } from '../../support/socket-id-arbitrary';

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
