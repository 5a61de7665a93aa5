import { createSocket, type Socket } from 'node:dgram';
import { z } from 'zod';

/** How many documents the daemon keeps (the latest); older ones are only counted. */
const KEPT_DOCUMENTS = 20_000;

/** A segment or subsegment document as the X-Ray SDK sends it, with what the tests read. */
const XRayDocumentSchema = z.looseObject({
  name: z.string(),
  id: z.string(),
  trace_id: z.string(),
  parent_id: z.string().optional(),
  type: z.string().optional(),
  namespace: z.string().optional(),
});

export type XRayDocument = z.infer<typeof XRayDocumentSchema>;

/**
 * A stand-in for the X-Ray daemon of a Lambda execution environment: takes the segment
 * documents the functions' X-Ray SDK sends over UDP (`{"format":"json","version":1}` and a
 * newline, then the document) and keeps them for tests and benchmarks to read, instead of
 * forwarding them to AWS. Loopback only.
 *
 * @example
 * const daemon = await LocalXRayDaemon.start();
 * // functions run with AWS_XRAY_DAEMON_ADDRESS=daemon.address
 * daemon.documents().filter((doc) => doc.namespace === 'aws'); // the SDK calls' subsegments
 */
export class LocalXRayDaemon {
  private readonly kept: XRayDocument[] = [];
  /** Documents received, kept or not. */
  received = 0;
  /** Datagrams that were not a segment document. */
  malformed = 0;

  private constructor(
    private readonly socket: Socket,
    /** `127.0.0.1:<port>`, as `AWS_XRAY_DAEMON_ADDRESS` takes it. */
    readonly address: string,
  ) {
    socket.on('message', (datagram) => this.receive(datagram));
  }

  static async start(): Promise<LocalXRayDaemon> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new LocalXRayDaemon(socket, `127.0.0.1:${socket.address().port}`);
  }

  /** The latest documents received, oldest first. */
  documents(): readonly XRayDocument[] {
    return this.kept;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private receive(datagram: Buffer): void {
    const text = datagram.toString('utf8');
    const newline = text.indexOf('\n');
    const parsed = XRayDocumentSchema.safeParse(
      newline < 0 ? undefined : safeJson(text.slice(newline + 1)),
    );
    if (!parsed.success) {
      this.malformed += 1;
      return;
    }
    this.received += 1;
    this.kept.push(parsed.data);
    if (this.kept.length > KEPT_DOCUMENTS) this.kept.shift();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
