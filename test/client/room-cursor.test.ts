import { type CursorStep, RoomCursor } from '../../client/room-cursor';

/** Steps as short strings: `42:a` for a delivery, `gap 43-44` for a gap. */
function describeSteps(steps: readonly CursorStep<string>[]): string[] {
  return steps.map((step) =>
    step.kind === 'deliver' ? `${step.seq}:${step.item}` : `gap ${step.from}-${step.to}`,
  );
}

describe('Class: RoomCursor', () => {
  describe('Method: accept', () => {
    it('delivers each seq that is next and moves the watermark', () => {
      // Prepare
      const cursor = new RoomCursor<string>(41);

      // Act
      const steps = [cursor.accept(42, 'a'), cursor.accept(43, 'b')].flat();

      // Assess
      expect(describeSteps(steps)).toEqual(['42:a', '43:b']);
      expect(cursor.lastSeq).toBe(43);
      expect(cursor.hasGap).toBe(false);
    });

    it('holds seqs ahead of a missing one, then delivers them in order when it arrives', () => {
      // Prepare
      const cursor = new RoomCursor<string>(41);
      const ahead = [cursor.accept(45, 'd'), cursor.accept(43, 'b'), cursor.accept(44, 'c')];

      // Act
      const steps = cursor.accept(42, 'a');

      // Assess
      expect(ahead.flat()).toEqual([]);
      expect(describeSteps(steps)).toEqual(['42:a', '43:b', '44:c', '45:d']);
      expect(cursor.lastSeq).toBe(45);
      expect(cursor.heldCount).toBe(0);
    });

    it('drops seqs at or below the watermark and seqs already held', () => {
      // Prepare
      const cursor = new RoomCursor<string>(41);
      cursor.accept(43, 'b');

      // Act
      const steps = [cursor.accept(40, 'old'), cursor.accept(41, 'old'), cursor.accept(43, 'copy')];
      const filled = cursor.accept(42, 'a');

      // Assess
      expect(steps.flat()).toEqual([]);
      expect(describeSteps(filled)).toEqual(['42:a', '43:b']);
    });

    it('reports a gap while something ahead of the watermark is missing', () => {
      // Prepare
      const cursor = new RoomCursor<string>(10);

      // Act
      cursor.accept(12, 'b');

      // Assess
      expect(cursor.hasGap).toBe(true);
      expect(cursor.head).toBe(12);
      expect(cursor.heldCount).toBe(1);
    });
  });

  describe('Method: markSeen', () => {
    it('lets the watermark pass an own message without delivering it', () => {
      // Prepare
      const cursor = new RoomCursor<string>(41);
      cursor.accept(43, 'b');

      // Act
      const own = cursor.markSeen(42);
      const copy = cursor.accept(42, 'echo');

      // Assess
      expect(describeSteps(own)).toEqual(['43:b']);
      expect(copy).toEqual([]);
      expect(cursor.lastSeq).toBe(43);
    });

    it('holds an own message ahead of the watermark and passes it silently later', () => {
      // Prepare
      const cursor = new RoomCursor<string>(41);
      cursor.markSeen(43);

      // Act
      const steps = cursor.accept(42, 'a');

      // Assess
      expect(describeSteps(steps)).toEqual(['42:a']);
      expect(cursor.lastSeq).toBe(43);
    });
  });

  describe('Method: anchor', () => {
    it('holds everything until anchored, then drops what precedes the head and delivers the rest', () => {
      // Prepare
      const cursor = new RoomCursor<string>();
      const before = [cursor.accept(9, 'x'), cursor.accept(11, 'a'), cursor.accept(12, 'b')];
      const unanchored = [cursor.lastSeq, cursor.anchored, cursor.hasGap];

      // Act
      const steps = cursor.anchor(10);

      // Assess
      expect(before.flat()).toEqual([]);
      expect(unanchored).toEqual([undefined, false, false]);
      expect(describeSteps(steps)).toEqual(['11:a', '12:b']);
      expect(cursor.lastSeq).toBe(12);
    });

    it('leaves a gap open when the held events do not follow the head', () => {
      // Prepare
      const cursor = new RoomCursor<string>();
      cursor.accept(13, 'c');

      // Act
      const steps = cursor.anchor(10);

      // Assess
      expect(steps).toEqual([]);
      expect(cursor.hasGap).toBe(true);
      expect(cursor.head).toBe(13);
    });

    it('moves the watermark back to a lower head (a reset room)', () => {
      // Prepare
      const cursor = new RoomCursor<string>(500);

      // Act
      const steps = cursor.anchor(3);
      const next = cursor.accept(4, 'a');

      // Assess
      expect(steps).toEqual([]);
      expect(describeSteps(next)).toEqual(['4:a']);
      expect(cursor.head).toBe(4);
    });
  });

  describe('Method: skipTo', () => {
    it('reports each run of missing seqs as a gap, in order with the held items', () => {
      // Prepare
      const cursor = new RoomCursor<string>(40);
      cursor.accept(43, 'c');
      cursor.markSeen(46);
      cursor.accept(48, 'e');
      cursor.accept(50, 'g');

      // Act
      const steps = cursor.skipTo(48);

      // Assess
      expect(describeSteps(steps)).toEqual(['gap 41-42', '43:c', 'gap 44-45', 'gap 47-47', '48:e']);
      expect(cursor.lastSeq).toBe(48);
      expect(cursor.hasGap).toBe(true);
    });

    it('reports the missing seqs up to the target and then delivers the held successors', () => {
      // Prepare
      const cursor = new RoomCursor<string>(40);
      cursor.accept(44, 'd');

      // Act
      const steps = cursor.skipTo(43);

      // Assess
      expect(describeSteps(steps)).toEqual(['gap 41-43', '44:d']);
      expect(cursor.lastSeq).toBe(44);
      expect(cursor.hasGap).toBe(false);
    });

    it('does nothing at or below the watermark, or before the cursor is anchored', () => {
      // Prepare
      const anchored = new RoomCursor<string>(40);
      const unanchored = new RoomCursor<string>();

      // Act
      const steps = [anchored.skipTo(40), anchored.skipTo(12), unanchored.skipTo(5)];

      // Assess
      expect(steps.flat()).toEqual([]);
      expect(anchored.lastSeq).toBe(40);
      expect(unanchored.lastSeq).toBeUndefined();
    });
  });

  describe('Method: noteHead', () => {
    it('opens a gap up to a head the watermark has not reached', () => {
      // Prepare
      const cursor = new RoomCursor<string>(40);

      // Act
      cursor.noteHead(42);
      cursor.noteHead(41);

      // Assess
      expect(cursor.head).toBe(42);
      expect(cursor.hasGap).toBe(true);
    });
  });

  describe('Method: drain', () => {
    it('returns the held items in seq order, leaving own messages out, and forgets them', () => {
      // Prepare
      const cursor = new RoomCursor<string>();
      cursor.accept(7, 'b');
      cursor.markSeen(6);
      cursor.accept(5, 'a');

      // Act
      const items = cursor.drain();

      // Assess
      expect(items).toEqual(['a', 'b']);
      expect(cursor.heldCount).toBe(0);
    });
  });
});
