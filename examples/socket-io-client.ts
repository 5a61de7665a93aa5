/**
 * An unmodified socket.io-client on apigw-chat: joins /chat's room:dev, prints what the room
 * says, says hello, and leaves a few seconds after connecting (at once if refused). Run it
 * against `npm start`:
 *
 *   TOKEN=$(npm run -s token -- --user alice --name Alice) npx tsx examples/socket-io-client.ts
 *
 * or a deployed stage: APIGW_CHAT_URL=wss://<api>.execute-api.<region>.amazonaws.com/<stage>
 * and TOKEN=<an access token>.
 */
import { io } from 'socket.io-client';

const url = new URL(process.env.APIGW_CHAT_URL ?? 'ws://localhost:3001/local');
const origin = `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.host}`;

const socket = io(`${origin}/chat`, {
  path: url.pathname, // the stage is Engine.IO's path
  addTrailingSlash: false, // …without a slash before ?EIO=4
  transports: ['websocket'], // API Gateway serves no HTTP long-polling
  protocols: ['apigw-chat', `token.${process.env.TOKEN ?? ''}`], // the token, never in the URL
});

socket.on('connect', async () => {
  console.log(`connected as ${socket.id}`);
  setTimeout(() => socket.close(), Number(process.env.STAY_MS ?? 3_000));
  console.log(`join-room: ${await socket.emitWithAck('join-room', { type: 'room:dev' })}`);
  socket.emit('room-message', { room: 'room:dev', message: 'hello from socket.io-client' });
});
socket.on('hello', (greeting) => console.log(`hello: ${greeting}`));
socket.on('room-message', (message) => console.log(`room-message: ${JSON.stringify(message)}`));
socket.on('connect_error', (error) => {
  console.log(`connect_error: ${error.message}`);
  socket.close();
});
