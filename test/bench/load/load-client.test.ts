import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { type Frame, LoadClient, type LoadClientListener } from '../../../bench/load/load-client';

/** A server that answers every frame with what `reply` returns (nothing for undefined). */
async function serve(reply: (frame: Frame) => unknown[]): Promise<{
  url: string;
  server: WebSocketServer;
}> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      for (const out of reply(JSON.parse(data.toString()) as Frame))
        socket.send(typeof out === 'string' ? out : JSON.stringify(out));
    });
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function recorder(): LoadClientListener & {
  events: Frame[];
  unexpected: unknown[];
  closes: number[];
} {
  const events: Frame[] = [];
  const unexpected: unknown[] = [];
  const closes: number[] = [];
  return {
    events,
    unexpected,
    closes,
    onEvent: (frame) => events.push(frame),
    onUnexpected: (frame) => unexpected.push(frame),
    onUnexpectedClose: (code) => closes.push(code),
  };
}

describe('Class: LoadClient', () => {
  let server: WebSocketServer | undefined;

  afterEach(async () => {
    for (const client of server?.clients ?? []) client.terminate();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  describe('Method: request', () => {
    it('resolves each request with its own ack, and hands events and strays to the listener', async () => {
      // Prepare: an event before each reply; after the first, a stray ack and a non-JSON frame.
      const served = await serve((frame) => [
        { event: 'chat', data: frame.data },
        { ack: frame.ack, data: { echo: frame.action } },
        ...(frame.action === 'one' ? [{ ack: 999, data: 'stray' }, 'not json'] : []),
      ]);
      server = served.server;
      const listener = recorder();
      const client = await LoadClient.open(served.url, listener, 2_000);

      // Act
      const [first, second] = await Promise.all([
        client.request('one', 1, 2_000),
        client.request('two', undefined, 2_000),
      ]);
      await client.close();

      // Assess
      expect(first).toMatchObject({ data: { echo: 'one' } });
      expect(second).toMatchObject({ data: { echo: 'two' } });
      expect(typeof first.at).toBe('number');
      expect(listener.events).toEqual([{ event: 'chat', data: 1 }, { event: 'chat' }]);
      expect(listener.unexpected).toEqual([{ ack: 999, data: 'stray' }, 'not json']);
      expect(listener.closes).toEqual([]);
    });

    it('rejects when no ack comes in time', async () => {
      // Prepare
      const served = await serve(() => []);
      server = served.server;
      const client = await LoadClient.open(served.url, recorder(), 2_000);

      // Act & Assess
      await expect(client.request('silence', undefined, 50)).rejects.toThrow('no ack for silence');
      await client.close();
    });

    it('rejects pending requests and reports the close when the server closes the socket', async () => {
      // Prepare
      const served = await serve(() => []);
      server = served.server;
      const listener = recorder();
      const client = await LoadClient.open(served.url, listener, 2_000);
      const pending = client.request('never', undefined, 5_000);

      // Act
      for (const socket of served.server.clients) socket.close(1011);

      // Assess
      await expect(pending).rejects.toThrow('socket closed (1011)');
      expect(listener.closes).toEqual([1011]);
    });
  });

  describe('Method: open', () => {
    it('rejects a refused handshake with its status', async () => {
      // Prepare
      const refusing = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        verifyClient: (_info, done) => done(false, 404),
      });
      server = refusing;
      await new Promise<void>((resolve) => refusing.once('listening', resolve));
      const { port } = refusing.address() as AddressInfo;
      const listener = recorder();

      // Act & Assess
      await expect(LoadClient.open(`ws://127.0.0.1:${port}`, listener, 2_000)).rejects.toThrow(
        'HTTP 404',
      );
      expect(listener.closes).toEqual([]);
    });
  });
});
