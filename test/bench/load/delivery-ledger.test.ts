import { DeliveryLedger, type Member } from '../../../bench/load/delivery-ledger';

/** Clients 0, 1, 2 in room `a`; client 3 in room `b`, alone. */
const MEMBERS: Member[] = [
  { client: 0, connectionId: 'c0', room: 'a' },
  { client: 1, connectionId: 'c1', room: 'a' },
  { client: 2, connectionId: 'c2', room: 'a' },
  { client: 3, connectionId: 'c3', room: 'b' },
];

const chatOf = (id: string, sender = 0): { id: string; room: string; from: string } => ({
  id,
  room: MEMBERS[sender]?.room ?? '',
  from: MEMBERS[sender]?.connectionId ?? '',
});

describe('Class: DeliveryLedger', () => {
  describe('Method: report', () => {
    it('is clean when every other member of the room got each message once', () => {
      // Prepare
      const ledger = new DeliveryLedger(MEMBERS);
      ledger.sent('0:0', 0, 100);
      ledger.sent('3:0', 3, 100);

      // Act
      ledger.received(1, chatOf('0:0'), 110);
      ledger.received(2, chatOf('0:0'), 130);
      ledger.ack('0:0', 2, 140);
      ledger.ack('3:0', 0, 105);

      // Assess
      expect(ledger.report()).toEqual({
        messagesSent: 2,
        messagesAcked: 2,
        expected: 2,
        delivered: 2,
        lost: 0,
        duplicated: 0,
        misdelivered: 0,
        mislabelled: 0,
        ackMismatches: 0,
        examples: [],
      });
      expect(ledger.deliveryLatenciesMs()).toEqual([10, 30]);
      expect(ledger.ackLatenciesMs()).toEqual([40, 5]);
    });

    it('counts a member that never got a message as lost, and names it', () => {
      // Prepare
      const ledger = new DeliveryLedger(MEMBERS);
      ledger.sent('0:0', 0, 0);

      // Act
      ledger.received(1, chatOf('0:0'), 1);
      const report = ledger.report();

      // Assess
      expect(report).toMatchObject({ expected: 2, delivered: 1, lost: 1 });
      expect(report.examples).toEqual(['client 2 never got 0:0']);
      expect(ledger.outstanding()).toBe(1);
    });

    it('counts extra copies as duplicated, and times only the first', () => {
      // Prepare
      const ledger = new DeliveryLedger(MEMBERS);
      ledger.sent('1:0', 1, 0);

      // Act
      ledger.received(0, chatOf('1:0', 1), 5);
      ledger.received(0, chatOf('1:0', 1), 9);
      ledger.received(0, chatOf('1:0', 1), 12);
      ledger.received(2, chatOf('1:0', 1), 6);

      // Assess
      expect(ledger.report()).toMatchObject({ delivered: 2, lost: 0, duplicated: 2 });
      expect(ledger.deliveryLatenciesMs()).toEqual([5, 6]);
    });

    it('counts receipts by the sender, by another room and of unknown ids as misdelivered', () => {
      // Prepare
      const ledger = new DeliveryLedger(MEMBERS);
      ledger.sent('0:0', 0, 0);

      // Act
      ledger.received(0, chatOf('0:0'), 1);
      ledger.received(3, chatOf('0:0'), 1);
      ledger.received(1, chatOf('9:9'), 1);
      ledger.received(1, { id: 42, room: 'a', from: 'c0' }, 1);
      ledger.received(7, chatOf('0:0'), 1);

      // Assess
      expect(ledger.report()).toMatchObject({ delivered: 0, lost: 2, misdelivered: 5 });
    });

    it('counts a delivery with the wrong room or sender as mislabelled, not lost', () => {
      // Prepare
      const ledger = new DeliveryLedger(MEMBERS);
      ledger.sent('0:0', 0, 0);

      // Act
      ledger.received(1, { id: '0:0', room: 'b', from: 'c0' }, 1);
      ledger.received(2, { id: '0:0', room: 'a', from: 'c3' }, 1);

      // Assess
      expect(ledger.report()).toMatchObject({ delivered: 2, lost: 0, mislabelled: 2 });
    });

    it('counts acks whose recipients is not the room size - 1', () => {
      // Prepare
      const ledger = new DeliveryLedger(MEMBERS);
      ledger.sent('0:0', 0, 0);
      ledger.sent('0:1', 0, 0);
      ledger.sent('3:0', 3, 0);

      // Act
      ledger.ack('0:0', 1, 1);
      ledger.ack('0:1', undefined, 1);
      ledger.ack('3:0', 0, 1);

      // Assess
      const report = ledger.report();
      expect(report).toMatchObject({ messagesAcked: 3, ackMismatches: 2 });
      expect(report.examples.slice(0, 2)).toEqual([
        'ack of 0:0: recipients 1, expected 2',
        'ack of 0:1: recipients undefined, expected 2',
      ]);
    });

    it('keeps at most 10 examples', () => {
      // Prepare
      const ledger = new DeliveryLedger(MEMBERS);

      // Act
      for (let n = 0; n < 20; n += 1) ledger.received(1, chatOf(`x:${n}`), 0);

      // Assess
      expect(ledger.report().examples).toHaveLength(10);
    });
  });

  describe('Method: sent', () => {
    it('refuses an unknown sender and a reused id', () => {
      // Prepare
      const ledger = new DeliveryLedger(MEMBERS);
      ledger.sent('0:0', 0, 0);

      // Act & Assess
      expect(() => ledger.sent('0:0', 0, 1)).toThrow('sent twice');
      expect(() => ledger.sent('9:0', 9, 1)).toThrow('Unknown sender');
    });
  });
});
