import { createSocket } from 'node:dgram';
import { LocalXRayDaemon } from '../../../local/lambda/xray-daemon';
import { until } from '../../support/until';

const HEADER = '{"format": "json", "version": 1}\n';

/** Sends each datagram to `address` from a socket of its own, as the SDK does on Lambda. */
async function send(address: string, datagrams: readonly string[]): Promise<void> {
  const [host, port] = address.split(':');
  const socket = createSocket('udp4');
  for (const datagram of datagrams) {
    await new Promise<void>((resolve, reject) =>
      socket.send(datagram, Number(port), host, (error) => (error ? reject(error) : resolve())),
    );
  }
  socket.close();
}

describe('Class: LocalXRayDaemon', () => {
  let daemon: LocalXRayDaemon;

  beforeEach(async () => {
    daemon = await LocalXRayDaemon.start();
  });

  afterEach(async () => {
    await daemon.close();
  });

  it('keeps the segment documents it receives on loopback, and counts what is not one', async () => {
    // Prepare
    const subsegment = {
      name: 'DynamoDB',
      id: '70de5b6f19ff9a0a',
      trace_id: '1-6b120280-0123456789abcdef01234567',
      parent_id: '53995c3f42cd8ad8',
      type: 'subsegment',
      namespace: 'aws',
      aws: { operation: 'Query' },
    };

    // Act
    await send(daemon.address, [
      `${HEADER}${JSON.stringify(subsegment)}`,
      `${HEADER}{not json`,
      JSON.stringify(subsegment),
      `${HEADER}${JSON.stringify({ name: 'no ids' })}`,
    ]);
    await until(
      () => (daemon.received + daemon.malformed === 4 ? true : undefined),
      'the daemon receiving the four datagrams',
    );

    // Assess
    expect(daemon.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(daemon.documents()).toEqual([subsegment]);
    expect(daemon.received).toBe(1);
    expect(daemon.malformed).toBe(3);
  });
});
