import type { INestApplication } from '@nestjs/common';
import { Server } from '../../../lambdas/core/server';
import { bootstrapGateways } from '../../../lambdas/nest/bootstrap-gateways';
import { FeaturesModule } from '../../fixtures/nest-features/features.module';
import { ChatHarness } from '../../support/chat-harness';

/** Nest's features on the core: injection, pipes, guards, interceptors, filters, WsResponse, @WebSocketServer. */
describe('NestJS: gateway features on the core', () => {
  let chat: ChatHarness;
  let app: INestApplication;

  beforeEach(async () => {
    chat = new ChatHarness((options) => new Server(options));
    app = await bootstrapGateways(FeaturesModule, chat.server, { logger: false });
  });

  afterEach(async () => {
    await app.close();
  });

  it('injects providers into the gateway: the ack is the return value of a handler using one', async () => {
    // Prepare
    const ann = await chat.connect('/game');

    // Act
    const first = await chat.send(ann, 'score', { player: 'ann', points: 3 }, 1);
    const second = await chat.send(ann, 'score', { player: 'ann', points: 4 }, 2);

    // Assess
    expect(first).toEqual({ ack: 1, data: 3 });
    expect(second).toEqual({ ack: 2, data: 7 });
  });

  it("validates with ValidationPipe (class-validator): an invalid body gets the pipe's WsException as an error ack, and the 'exception' event", async () => {
    // Prepare
    const ann = await chat.connect('/game');

    // Act
    const reply = await chat.send(ann, 'score', { player: 'ann', points: 99 }, 1);

    // Assess
    expect(reply).toEqual({
      ack: 1,
      error: expect.objectContaining({ code: 'BAD_REQUEST', message: 'Invalid score' }),
    });
    expect(chat.frames(ann)).toEqual([
      expect.objectContaining({
        event: 'exception',
        data: expect.objectContaining({ status: 'error', message: 'Invalid score' }),
      }),
    ]);
  });

  it('guards a handler: refused without the role, run with it', async () => {
    // Prepare
    const guest = await chat.connect('/game');
    const admin = await chat.connect('/game', { role: 'admin' });

    // Act
    const refused = await chat.send(guest, 'reset', undefined, 1);
    const allowed = await chat.send(admin, 'reset', undefined, 1);

    // Assess
    expect(refused).toEqual({
      ack: 1,
      error: expect.objectContaining({ code: 'BAD_REQUEST', message: 'Forbidden resource' }),
    });
    expect(allowed).toEqual({ ack: 1, data: 'reset' });
  });

  it('runs interceptors around a handler', async () => {
    // Prepare
    const ann = await chat.connect('/game');

    // Act
    const reply = await chat.send(ann, 'wrapped', 'x', 1);

    // Assess
    expect(reply).toEqual({ ack: 1, data: { wrapped: 'x' } });
  });

  it('sends a WsResponse as the event it names, not as the ack', async () => {
    // Prepare
    const ann = await chat.connect('/game');

    // Act
    await chat.send(ann, 'respond', 'hi', 1);

    // Assess
    expect(chat.frames(ann)).toEqual([expect.objectContaining({ event: 'responded', data: 'HI' })]);
  });

  it('gives @WebSocketServer() the namespace: server.to(room).emit reaches the room', async () => {
    // Prepare
    const ann = await chat.connect('/game');
    const bob = await chat.connect('/game');
    await chat.send(bob, 'announce', 'arena', 1);

    // Act
    const reply = await chat.send(ann, 'announce', 'arena', 1);

    // Assess
    expect(reply).toEqual({ ack: 1, data: 'announced' });
    expect(chat.frames(bob)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'announcement', data: `${ann} is in arena` }),
      ]),
    );
  });

  it('answers a thrown WsException as an error ack', async () => {
    // Prepare
    const ann = await chat.connect('/game');

    // Act
    const reply = await chat.send(ann, 'fail', undefined, 1);

    // Assess
    expect(reply).toEqual({
      ack: 1,
      error: expect.objectContaining({ code: 'BAD_REQUEST', message: 'Not today' }),
    });
  });

  it("runs a custom exception filter (@UseFilters): the client gets the filter's event, and no ack, as on socket.io", async () => {
    // Prepare
    const ann = await chat.connect('/game');

    // Act
    const bought = await chat.send(ann, 'buy', 'bow', 1);
    const outOfStock = await chat.send(ann, 'buy', 'sword', 2);

    // Assess
    expect(bought).toEqual({ ack: 1, data: 'bought bow' });
    expect(outOfStock).toBeUndefined(); // the handler never returned: nothing answers ack 2
    expect(chat.frames(ann)).toEqual([
      expect.objectContaining({ event: 'outOfStock', data: { item: 'sword' } }),
    ]);
  });

  it("leaves what a custom filter does not catch to Nest's own: a WsException is an error ack", async () => {
    // Prepare
    const ann = await chat.connect('/game');

    // Act
    const reply = await chat.send(ann, 'buy', 'shield', 1);

    // Assess
    expect(reply).toEqual({
      ack: 1,
      error: expect.objectContaining({ message: 'Shields are not for sale' }),
    });
    expect(chat.frames(ann)).not.toContainEqual(expect.objectContaining({ event: 'outOfStock' }));
  });
});
