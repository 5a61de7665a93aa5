import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbAckStore } from '../../lambdas/adapters/dynamodb-ack-store';
import { chatDocumentClient } from '../../lambdas/adapters/dynamodb-document-client';
import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb-membership-store';
import { DynamoDbMessageLog } from '../../lambdas/adapters/dynamodb-message-log';
import { DynamoDbPresenceStore } from '../../lambdas/adapters/dynamodb-presence-store';
import { DynamoDbRecoveryStore } from '../../lambdas/adapters/dynamodb-recovery-store';
import { DynamoDbSessionStore } from '../../lambdas/adapters/dynamodb-session-store';
import { DynamoDbUserLimitStore } from '../../lambdas/adapters/dynamodb-user-limit-store';
import { createChatApp } from '../../lambdas/app/chat-app';
import { mapWithConcurrency } from '../../lambdas/core/map-with-concurrency';
import type { MembershipStore } from '../../lambdas/core/ports';
import type { Server } from '../../lambdas/core/server';
import type { Room, SocketId } from '../../lambdas/core/types';
import { CapacityRecorder, type CapacityTally } from './capacity-recorder';
import {
  CountingAfterConnectDispatcher,
  CountingCleanupDispatcher,
  CountingPoster,
} from './counting-ports';
import { messageUnits } from './pricing';
import { ScanAllMembershipStore } from './scan-all-store';

/** The event whose handler makes the acked emit `ackedEmit` measures. */
const ASK_EVENT = 'bench-ask';

/** How recipients are found: the store's Query of one partition, or the Scan-all baseline. */
export type Lookup = 'query' | 'scan-all';

/** What one operation cost. */
export interface OperationCost {
  readonly dynamoDb: CapacityTally;
  /** PostToConnection calls, the after-connect worker's included. */
  readonly managementApiCalls: number;
  /**
   * The route's function (1) plus asynchronous invocations of the `worker` function (after
   * connect, gone clean-ups).
   */
  readonly lambdaInvocations: number;
  /** API Gateway message units: the client frame, every post and the route-response frame. */
  readonly messageUnits: number;
  /** Wall-clock time of the server call (DynamoDB Local round trips included, posts free). */
  readonly handlerMs: number;
  /**
   * CPU this process spent in that time (`process.cpuUsage`, user and system): the handler's
   * own work and its SDK clients'; DynamoDB Local runs in another process.
   */
  readonly handlerCpuMs: number;
  /** The route response (ack or error frame), if any. */
  readonly reply: string | undefined;
  /** Connections found gone whose clean-up was handed to the `worker` function. */
  readonly goneHandedOver: number;
  /** Distinct frames the posts carried: how many times the fan-out encoded the message. */
  readonly framesEncoded: number;
}

export interface CostHarnessOptions {
  /** Client of the measured store; the harness adds its recorder to its middleware stack. */
  readonly measuredClient: DynamoDBClient;
  /** Client for seeding, not recorded. Must not share `measuredClient`'s middleware stack. */
  readonly seedClient: DynamoDBClient;
  readonly tableName: string;
  readonly lookup: Lookup;
}

/**
 * The chat app (`createChatApp`) on the real DynamoDB store, with counting ports, driven
 * through the entry points the Lambdas call (`handleConnect`, `handleMessage`,
 * `handleDisconnect`). Each operation returns what it cost.
 *
 * @example
 * const harness = new CostHarness({ measuredClient, seedClient, tableName, lookup: 'query' });
 * await harness.connect(id);
 * const cost = await harness.chat(id, 'lobby'); // cost.dynamoDb.requests, cost.managementApiCalls
 */
export class CostHarness {
  readonly recorder = new CapacityRecorder();
  readonly poster = new CountingPoster();
  readonly afterConnect = new CountingAfterConnectDispatcher();
  readonly cleanups = new CountingCleanupDispatcher();
  /** The store seeding goes through (unrecorded client). */
  readonly seedStore: DynamoDbMembershipStore;
  readonly server: Server;
  readonly lookup: Lookup;
  /** The per-user limits of the server, on the measured client. */
  readonly limitStore: DynamoDbUserLimitStore;
  /** Frames sent per connection: the next one's `n`. */
  readonly #sent = new Map<SocketId, number>();

  constructor(options: CostHarnessOptions) {
    this.lookup = options.lookup;
    const measured = chatDocumentClient(options.measuredClient);
    this.recorder.attach(measured);
    const store = new DynamoDbMembershipStore({ tableName: options.tableName, client: measured });
    const chosen: MembershipStore =
      options.lookup === 'query'
        ? store
        : new ScanAllMembershipStore({
            inner: store,
            tableName: options.tableName,
            client: measured,
          });
    this.seedStore = new DynamoDbMembershipStore({
      tableName: options.tableName,
      client: chatDocumentClient(options.seedClient),
    });
    this.limitStore = new DynamoDbUserLimitStore({
      tableName: options.tableName,
      client: measured,
    });
    this.server = createChatApp({
      store: chosen,
      limitStore: this.limitStore,
      // Every operation is measured; its frames stay within the budgets they write to, each
      // reserving 50 recipients, as by default (1.5e9 / (1e6 frames × 30 windows a minute)).
      userLimits: {
        messages: { limit: 1_000_000, windowSeconds: 2 },
        deliveries: { limit: 1_500_000_000, windowSeconds: 60 },
      },
      poster: this.poster,
      afterConnectDispatcher: this.afterConnect,
      cleanupDispatcher: this.cleanups,
      messageLog: new DynamoDbMessageLog({ tableName: options.tableName, client: measured }),
      presence: new DynamoDbPresenceStore({ tableName: options.tableName, client: measured }),
      ackStore: new DynamoDbAckStore({ tableName: options.tableName, client: measured }),
      sessions: new DynamoDbSessionStore({ tableName: options.tableName, client: measured }),
      // As the stack runs the chat.
      connectionStateRecovery: {},
      recoveries: new DynamoDbRecoveryStore({ tableName: options.tableName, client: measured }),
    });
    // What `ackedEmit` measures: a handler waiting for its socket's answer.
    this.server.of('/').on(ASK_EVENT, async (socket, ack) => {
      ack?.(await socket.timeout(5_000).emitWithAck('question'));
    });
  }

  /**
   * An acked emit to one socket and the socket's answer, as two frames make them: the one
   * whose handler asks (`socket.timeout(5_000).emitWithAck`) and waits, and the answer,
   * sent at once when the question is posted. Their costs are summed.
   */
  async ackedEmit(id: SocketId): Promise<OperationCost> {
    return this.#measure(undefined, async () => {
      const answered = new Promise<void>((resolve, reject) => {
        this.poster.onPost = (to, frame) => {
          const ackId = (JSON.parse(frame) as { ack?: unknown }).ack;
          if (to !== id || typeof ackId !== 'string') return;
          this.poster.onPost = undefined;
          this.server
            .handleMessage({ connectionId: id, body: JSON.stringify({ ack: ackId, data: 42 }) })
            .then(() => resolve(), reject);
        };
      });
      const reply = await this.server.handleMessage({
        connectionId: id,
        body: JSON.stringify({ action: ASK_EVENT, ack: 1, n: this.#nextNumber(id) }),
      });
      await answered;
      if (reply !== '{"ack":1,"data":42}') throw new Error(`The acked emit answered ${reply}`);
      return reply;
    });
  }

  /** `$connect` to namespace `/`; throws unless it is accepted. */
  async connect(id: SocketId): Promise<OperationCost> {
    return this.#measure(undefined, async () => {
      const result = await this.server.handleConnect({
        connectionId: id,
        connectedAt: Date.now(),
        headers: {},
        query: {},
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
        authorizer: undefined,
      });
      if (result.statusCode !== 200)
        throw new Error(`$connect of ${id} answered ${result.statusCode}: ${result.message}`);
      return undefined;
    });
  }

  join(id: SocketId, room: Room): Promise<OperationCost> {
    return this.#message(id, { action: 'join', data: { room }, ack: 1 });
  }

  chat(id: SocketId, room: Room): Promise<OperationCost> {
    return this.#message(id, { action: 'chat', data: { room, message: 'hello' }, ack: 1 });
  }

  broadcast(id: SocketId): Promise<OperationCost> {
    return this.#message(id, { action: 'broadcast', data: 'hello', ack: 1 });
  }

  direct(id: SocketId, to: SocketId): Promise<OperationCost> {
    return this.#message(id, { action: 'direct', data: { to, message: 'hello' }, ack: 1 });
  }

  /**
   * The per-user message budget's write alone, as one frame makes it: the largest key (a
   * 128-character user id) and the fullest window item (a minute of 2 s slices).
   */
  budget(): Promise<OperationCost> {
    const window = Math.floor(Date.now() / 60_000) * 60;
    return this.#measure(undefined, async () => {
      await this.limitStore.chargeFrame({
        key: `user:${'u'.repeat(128)}`,
        window,
        slice: 29,
        messageLimit: 1_000_000,
        reserve: 50,
        deliveryLimit: 1_000_000_000,
        expiresAt: window + 120,
      });
      return undefined;
    });
  }

  /** `$disconnect`. */
  disconnect(id: SocketId): Promise<OperationCost> {
    return this.#measure(undefined, async () => {
      await this.server.handleDisconnect({ connectionId: id, statusCode: 1000, reason: '' });
      return undefined;
    });
  }

  /**
   * Adds connections to namespace `/` (and `rooms`), `concurrency` at a time, unrecorded;
   * with `socketIo`, as Socket.IO clients' sockets.
   */
  async seed(
    ids: readonly SocketId[],
    rooms: readonly Room[] = [],
    concurrency = 32,
    now = Date.now(),
    socketIo = false,
  ): Promise<void> {
    const results = await mapWithConcurrency(ids, concurrency, (id) =>
      this.seedStore.addConnection({
        id,
        ns: '/',
        rooms: [...rooms],
        data: {},
        connectedAt: now,
        expiresAt: Math.floor(Date.now() / 1000) + 3_600,
        ...(socketIo ? { protocol: 'socket.io' as const, connection: id } : {}),
      }),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  /**
   * A room message to `room` while one of its members, in `rooms` rooms, is gone (its posts
   * answer 410): what the sender's request pays, and what it handed to the clean-up worker.
   */
  async chatPastGoneMember(
    sender: SocketId,
    room: Room,
    gone: SocketId,
    rooms: number,
  ): Promise<OperationCost> {
    const joined = [room, ...Array.from({ length: rooms - 1 }, (_, i) => `gone-${i}`)];
    await this.seed([gone], joined, 1, Date.now() - 3_600_000);
    this.poster.markGone(gone);
    return this.chat(sender, room);
  }

  /** Removes seeded connections, unrecorded. */
  async unseed(ids: readonly SocketId[]): Promise<void> {
    await this.seedStore.removeMemberships(await this.seedStore.detachConnections(ids));
  }

  /**
   * A client frame through `handleMessage`, numbered (`n`) per connection as the client SDK
   * numbers its frames; throws when the reply is an error.
   */
  #message(id: SocketId, frame: object): Promise<OperationCost> {
    const body = JSON.stringify({ ...frame, n: this.#nextNumber(id) });
    return this.#measure(body, async () => {
      const reply = await this.server.handleMessage({ connectionId: id, body });
      if (reply !== undefined && /"error":\{/.test(reply))
        throw new Error(`${body} was answered with ${reply}`);
      return reply;
    });
  }

  /** The next send number of `id`'s frames, as the client SDK counts them. */
  #nextNumber(id: SocketId): number {
    const n = (this.#sent.get(id) ?? 0) + 1;
    this.#sent.set(id, n);
    return n;
  }

  async #measure(
    inbound: string | undefined,
    run: () => Promise<string | undefined>,
  ): Promise<OperationCost> {
    this.recorder.take();
    this.poster.take();
    this.afterConnect.take();
    this.cleanups.take();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const reply = await run();
    const cpu = process.cpuUsage(cpuBefore);
    const handlerMs = performance.now() - started;
    const posts = this.poster.take();
    const deferred = this.afterConnect.take();
    const cleanups = this.cleanups.take();
    return {
      goneHandedOver: cleanups.cleanups.reduce(
        (sum, cleanup) => sum + (cleanup.connectionIds?.length ?? 0),
        0,
      ),
      dynamoDb: this.recorder.take(),
      managementApiCalls: posts.posts + deferred.posts,
      framesEncoded: posts.frames,
      lambdaInvocations: 1 + deferred.invocations + cleanups.invocations,
      messageUnits:
        (inbound === undefined ? 0 : messageUnits(inbound)) +
        posts.messageUnits +
        deferred.messageUnits +
        (reply === undefined ? 0 : messageUnits(reply)),
      handlerMs,
      handlerCpuMs: (cpu.user + cpu.system) / 1_000,
      reply,
    };
  }
}

/**
 * Ids shaped like API Gateway's (15 base64 characters and `=`): a letter, then `n` padded.
 *
 * @example
 * benchId('O', 7); // 'O00000000000007='
 */
export function benchId(prefix: string, n: number): SocketId {
  return `${prefix}${String(n).padStart(14, '0')}=`;
}
