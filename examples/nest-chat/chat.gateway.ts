import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  WsException,
} from '@nestjs/websockets';
import type { Namespace, Socket } from '../../lambdas/core';

/** Room names this example accepts. */
const ROOM = /^[A-Za-z0-9_-]{1,32}$/;
/** Longest message text, in characters. */
const MAX_TEXT = 500;

/**
 * A room chat, written as for socket.io: `join` a room (everyone in it hears who came), `say`
 * something to a room you are in (everyone in it hears it, you included), `whoami`. Invalid
 * input fails the client's ack with a `WsException`.
 */
@WebSocketGateway({ namespace: 'chat' })
export class ChatGateway implements OnGatewayConnection {
  @WebSocketServer()
  server!: Namespace;

  handleConnection(socket: Socket): void {
    console.log(`connected: ${socket.user?.name ?? 'guest'} (${socket.id})`);
  }

  @SubscribeMessage('whoami')
  whoami(@ConnectedSocket() socket: Socket) {
    return { id: socket.id, name: socket.user?.name ?? 'guest', rooms: [...socket.rooms] };
  }

  @SubscribeMessage('join')
  async join(@ConnectedSocket() socket: Socket, @MessageBody() room: unknown) {
    if (typeof room !== 'string' || !ROOM.test(room)) {
      throw new WsException('room: 1 to 32 letters, digits, - or _');
    }
    await socket.join(room);
    await socket.to(room).emit('joined', { room, name: socket.user?.name ?? 'guest' });
    return { room };
  }

  @SubscribeMessage('say')
  async say(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    const { room, text } = (body ?? {}) as { room?: unknown; text?: unknown };
    if (typeof room !== 'string' || !socket.rooms.has(room)) {
      throw new WsException('say: join the room first');
    }
    if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT) {
      throw new WsException(`text: 1 to ${MAX_TEXT} characters`);
    }
    const from = socket.user?.name ?? 'guest';
    const report = await this.server.to(room).emit('said', { room, from, text });
    return { recipients: report.recipients };
  }
}
