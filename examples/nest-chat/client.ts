/**
 * A socket.io-client of the example's gateway: joins a room, says something there, prints
 * what it hears and the answers it gets, and leaves a few seconds after connecting. Against
 * `npm start -- --nest examples/nest-chat/chat.module.ts#ChatModule`:
 *
 *   TOKEN=$(npm run -s token -- --user alice --name Alice) npx tsx examples/nest-chat/client.ts
 *
 * or a deployed stage: APIGW_CHAT_URL=wss://<api>.execute-api.<region>.amazonaws.com/<stage>
 * and TOKEN=<an access token>. ROOM (default `lobby`) and TEXT choose what it says where.
 */
import { io } from 'socket.io-client';

const url = new URL(process.env.APIGW_CHAT_URL ?? 'ws://localhost:3001/local');
const origin = `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.host}`;
const room = process.env.ROOM ?? 'lobby';

const socket = io(`${origin}/chat`, {
  path: url.pathname, // the stage is Engine.IO's path
  addTrailingSlash: false, // …without a slash before ?EIO=4
  transports: ['websocket'], // API Gateway serves no HTTP long-polling
  protocols: ['apigw-chat', `token.${process.env.TOKEN ?? ''}`], // the token, never in the URL
});

socket.on('connect', async () => {
  console.log(`connected as ${socket.id}`);
  setTimeout(() => socket.close(), Number(process.env.STAY_MS ?? 3_000));
  console.log(`join: ${JSON.stringify(await socket.emitWithAck('join', room))}`);
  const said = await socket.emitWithAck('say', { room, text: process.env.TEXT ?? 'hello' });
  console.log(`say: ${JSON.stringify(said)}`);
  console.log(`whoami: ${JSON.stringify(await socket.emitWithAck('whoami'))}`);
});
socket.on('joined', (event) => console.log(`joined: ${JSON.stringify(event)}`));
socket.on('said', (event) => console.log(`said: ${JSON.stringify(event)}`));
socket.on('exception', (error) => console.log(`exception: ${JSON.stringify(error)}`));
socket.on('connect_error', (error) => {
  console.log(`connect_error: ${error.message}`);
  socket.close();
});
