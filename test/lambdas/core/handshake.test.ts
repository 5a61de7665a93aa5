import {
  type Handshake,
  handshakeOf,
  MAX_STORED_HANDSHAKE_BYTES,
  storedHandshake,
} from '../../../lambdas/core/handshake';
import { Server } from '../../../lambdas/core/server';
import { ChatHarness, connectionId } from '../../support/chat-harness';

const handshake = (extra: Partial<Handshake> = {}): Handshake => ({
  headers: {
    Host: 'example.com',
    Authorization: 'Bearer secret',
    Cookie: 'session=secret',
    'Sec-WebSocket-Protocol': 'apigw-chat, token.secret',
    'Sec-WebSocket-Key': 'secret',
    'X-Team': 'blue',
  },
  query: { ns: '/', token: 'secret', room: 'kitchen' },
  auth: { client: 'web' },
  address: '203.0.113.7',
  userAgent: 'jest',
  time: 1_767_225_600_123,
  authorizer: { userId: 'alice' },
  ...extra,
});

describe('Function: storedHandshake', () => {
  it('keeps headers, query, auth, address and time, and leaves every credential out', () => {
    const stored = storedHandshake(handshake());
    expect(stored).toEqual({
      headers: { Host: 'example.com', 'X-Team': 'blue' },
      query: { ns: '/', room: 'kitchen' },
      auth: { client: 'web' },
      address: '203.0.113.7',
      userAgent: 'jest',
      time: 1_767_225_600_123,
    });
    expect(JSON.stringify(stored)).not.toContain('secret');
  });

  it('stays under its byte bound: headers go first, then the query', () => {
    const big = 'x'.repeat(MAX_STORED_HANDSHAKE_BYTES);
    const headersOnly = storedHandshake(handshake({ headers: { 'X-Big': big } }));
    expect(headersOnly.headers).toEqual({});
    expect(headersOnly.query).toEqual({ ns: '/', room: 'kitchen' });
    const both = storedHandshake(handshake({ headers: { 'X-Big': big }, query: { q: big } }));
    expect(both.query).toEqual({});
    expect(Buffer.byteLength(JSON.stringify(both))).toBeLessThanOrEqual(MAX_STORED_HANDSHAKE_BYTES);
  });

  it('rebuilds an empty handshake, timed at the connection, for a record stored without one', () => {
    const record = { id: 'a', ns: '/', rooms: [], data: {}, connectedAt: 5, expiresAt: 10 };
    expect(handshakeOf(record)).toEqual({
      headers: {},
      query: {},
      auth: {},
      address: '',
      userAgent: undefined,
      time: 5,
      authorizer: undefined,
    });
  });
});

describe('socket.handshake in handlers after $connect (Server)', () => {
  it('is the one stored at $connect, in every later handler, without credentials', async () => {
    const harness = new ChatHarness((options) => new Server(options));
    harness.server.of('/').on('who', (socket, ack) => ack(socket.handshake));
    const id = connectionId();
    const { headers, query, address, userAgent, time, authorizer } = handshake();
    await harness.server.handleConnect({
      connectionId: id,
      connectedAt: time,
      headers,
      query,
      sourceIp: address,
      userAgent,
      authorizer,
      auth: { client: 'web' },
    });
    expect(await harness.send(id, 'who', undefined, 1)).toEqual({
      ack: 1,
      data: {
        headers: { Host: 'example.com', 'X-Team': 'blue' },
        query: { ns: '/', room: 'kitchen' },
        auth: { client: 'web' },
        address: '203.0.113.7',
        userAgent: 'jest',
        time,
      },
    });
  });
});
