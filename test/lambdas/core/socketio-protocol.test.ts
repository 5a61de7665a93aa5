import {
  decodeSocketIoFrame,
  encodeConnect,
  encodeConnectError,
  encodeDisconnect,
  encodeOpen,
  encodeSocketIoAck,
  encodeSocketIoEvent,
  isSocketIoFrame,
} from '../../../lambdas/core/socketio-protocol';

describe('socketio-protocol', () => {
  describe('isSocketIoFrame', () => {
    it.each([
      ['40', true],
      ['3', true],
      ['6', true],
      ['{"action":"whoami"}', false],
      ['7', false],
      ['', false],
      ['b4AAE=', false],
    ])('%j → %s', (body, expected) => {
      expect(isSocketIoFrame(body)).toBe(expected);
    });
  });

  describe('decodeSocketIoFrame', () => {
    it.each([
      ['3', { kind: 'pong' }],
      ['2', { kind: 'ping' }],
      ['1', { kind: 'close' }],
      ['6', { kind: 'noop' }],
      ['5', { kind: 'noop' }],
      ['40', { kind: 'connect', ns: '/', auth: {} }],
      ['40/chat,{"token":"t"}', { kind: 'connect', ns: '/chat', auth: { token: 't' } }],
      ['41/chat,', { kind: 'disconnect', ns: '/chat' }],
      ['42["hello"]', { kind: 'event', ns: '/', event: 'hello', args: [] }],
      [
        '42/chat,7["nestjs","hi",{"n":1}]',
        { kind: 'event', ns: '/chat', event: 'nestjs', args: ['hi', { n: 1 }], ack: 7 },
      ],
      ['420["hello"]', { kind: 'event', ns: '/', event: 'hello', args: [], ack: 0 }],
      ['43/chat,12["answer"]', { kind: 'ack', ns: '/chat', id: 12, args: ['answer'] }],
    ])('%j', (body, expected) => {
      expect(decodeSocketIoFrame(body)).toEqual(expected);
    });

    it.each([
      [
        '451-["upload",{"_placeholder":true,"num":0}]',
        /Binary data cannot be sent through API Gateway/,
      ],
      ['4', /Empty Socket.IO packet/],
      ['42{"not":"an array"}', /Invalid Socket.IO packet: invalid payload/],
      ['42["connect"]', /Invalid Socket.IO packet: invalid payload/],
      ['44/chat,{"message":"x"}', /A client does not send CONNECT_ERROR/],
      ['4zz', /Invalid Socket.IO packet/],
      ['0{"sid":"x"}', /Engine.IO packet "0" is not one a client sends/],
    ])('refuses %j', (body, message) => {
      const decoded = decodeSocketIoFrame(body);
      expect(decoded.kind).toBe('invalid');
      expect((decoded as { message: string }).message).toMatch(message);
    });

    it('refuses an event with more than 16 arguments, keeping its ack id to answer', () => {
      const args = Array.from({ length: 17 }, (_, index) => index);
      expect(decodeSocketIoFrame(`42/chat,3${JSON.stringify(['many', ...args])}`)).toEqual({
        kind: 'invalid',
        message: 'An event carries at most 16 arguments',
        ns: '/chat',
        ack: 3,
      });
    });
  });

  describe('encoders', () => {
    it('writes the open packet with no upgrades', () => {
      expect(
        JSON.parse(
          encodeOpen({
            sid: 'R1kmxc2VNjMCFIA=',
            pingInterval: 240_000,
            pingTimeout: 60_000,
            maxPayload: 65_536,
          }).slice(1),
        ),
      ).toEqual({
        sid: 'R1kmxc2VNjMCFIA=',
        upgrades: [],
        pingInterval: 240_000,
        pingTimeout: 60_000,
        maxPayload: 65_536,
      });
      expect(encodeOpen({ sid: 'a', pingInterval: 1, pingTimeout: 1, maxPayload: 1 })[0]).toBe('0');
    });

    it.each([
      [encodeConnect('/', 'R1kmxc2VNjMCFIA='), '40{"sid":"R1kmxc2VNjMCFIA="}'],
      [encodeConnect('/chat', 'R1kmxc2VNjMCFIA='), '40/chat,{"sid":"R1kmxc2VNjMCFIA="}'],
      [encodeConnectError('/chat', 'Members only'), '44/chat,{"message":"Members only"}'],
      [
        encodeConnectError('/chat', 'Members only', { hint: 'x' }),
        '44/chat,{"message":"Members only","data":{"hint":"x"}}',
      ],
      [encodeDisconnect('/chat'), '41/chat,'],
      [encodeSocketIoEvent('/', 'hello', ['world']), '42["hello","world"]'],
      [encodeSocketIoEvent('/chat', 'hello', ['world', 2], 5), '42/chat,5["hello","world",2]'],
      [encodeSocketIoAck('/', 0, ['client!']), '430["client!"]'],
      [encodeSocketIoAck('/chat', 9, []), '43/chat,9[]'],
    ])('%s', (encoded, expected) => {
      expect(encoded).toBe(expected);
    });

    it('round-trips an event through the decoder', () => {
      const frame = encodeSocketIoEvent('/chat', 'chat', [{ text: 'hi' }, [1, 2]], 4);
      expect(decodeSocketIoFrame(frame)).toEqual({
        kind: 'event',
        ns: '/chat',
        event: 'chat',
        args: [{ text: 'hi' }, [1, 2]],
        ack: 4,
      });
    });
  });
});
