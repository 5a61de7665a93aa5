import WebSocket from 'ws';
import type { RootClientEvents, RootServerEvents } from '../../client/chat-events';
import { ChatSocket, type JoinReply } from '../../client/chat-socket';
import type { HistoryPage } from '../../client/history';
import type { WebSocketConstructor } from '../../client/transport';

/**
 * Compile-time checks of the typed API: `npx tsc --noEmit` fails when they break; at run time
 * the socket is never connected.
 */
describe('Types: ChatSocket', () => {
  it('types emits, acks and handlers from the event maps', () => {
    // Prepare
    const socket = new ChatSocket<RootServerEvents, RootClientEvents>('ws://127.0.0.1:1/local', {
      WebSocket: WebSocket,
    });
    const typed = async () => {
      const joined: { room: string; members: number } = await socket.emitWithAck('join', {
        room: 'lobby',
      });
      // @ts-expect-error join needs { room }
      socket.emit('join', { name: 'lobby' });
      // @ts-expect-error not an event of namespace /
      socket.emit('join-room', {});
      socket.on('chat', (message, meta) => [message, meta.room, meta.from]);
      socket.on('disconnect', ({ code, reason }) => [code, reason]);
      socket.on('connect_error', (error) => error.status);
      // @ts-expect-error not a server event of namespace /
      socket.on('hello', () => undefined);
      socket.on('chat', (_message, { seq, recovered, user }) => [seq, recovered, user?.name]);
      socket.on('presence', ({ action, user, reason }) => [action, user.id, reason]);
      socket.on('gap', ({ room, from, to }) => [room, from, to]);
      const page: HistoryPage = await socket.history('lobby', { since: 0, limit: 50 });
      const head: number | undefined = socket.lastSeq('lobby');
      const rejoined: JoinReply = await socket.join('lobby');
      const { seq }: { seq?: number } = await socket.emitWithAck('chat', {
        room: 'lobby',
        message: 'hi',
      });
      return [joined, page.messages[0]?.at, head, rejoined.history?.trimmed, seq];
    };

    // Act
    const constructors: WebSocketConstructor[] = [WebSocket, globalThis.WebSocket];

    // Assess
    expect(typeof typed).toBe('function');
    expect(constructors[0]).toBe(WebSocket);
    expect(socket.connected).toBe(false);
  });
});
