import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb-membership-store';
import { DynamoDbMessageLog } from '../../lambdas/adapters/dynamodb-message-log';
import { DynamoDbPresenceStore } from '../../lambdas/adapters/dynamodb-presence-store';
import { createChatApp } from '../../lambdas/app/chat-app';
import { InMemorySessionStore } from '../../lambdas/core/in-memory-session-store';
import { InMemoryUserLimitStore } from '../../lambdas/core/in-memory-user-limit-store';
import type { Server } from '../../lambdas/core/server';
import type { SocketId } from '../../lambdas/core/types';
import { CapacityRecorder } from '../cost/capacity-recorder';
import { benchId } from '../cost/cost-harness';
import {
  CountingAfterConnectDispatcher,
  CountingCleanupDispatcher,
  CountingPoster,
} from '../cost/counting-ports';

/** Time to spare in a clean-up worker invocation (the `worker` function's 30 s timeout). */
const WORKER_TIMEOUT_MS = 30_000;

/** A room name of `length` characters, distinct per `index`. */
const roomName = (index: number, length: number) =>
  `${String(index).padStart(5, '0')}${'r'.repeat(Math.max(0, length - 5))}`;

/** The attack on unbounded rooms: one connection joins many rooms, then vanishes. */
export interface RoomFloodFigures {
  readonly attempted: number;
  readonly accepted: number;
  /** The error code of the first refused join. */
  readonly refusedWith: string | undefined;
  /** The connection item's size as stored (bytes of its JSON). */
  readonly connectionItemBytes: number;
  /** The next `chat` to a room the vanished connection shared. */
  readonly nextChat: { readonly ms: number; readonly dynamoDbRequests: number };
  /** The same `chat` before the connection vanished. */
  readonly normalChat: { readonly ms: number; readonly dynamoDbRequests: number };
  /** The clean-up in the `worker` function: DynamoDB requests, time, and invocations. */
  readonly cleanup: {
    readonly ms: number;
    readonly dynamoDbRequests: number;
    readonly invocations: number;
  };
  /** Items of the vanished connection left after the clean-up. */
  readonly itemsLeft: number;
}

/** The join / `$disconnect` race, repeated. */
export interface RaceFigures {
  readonly races: number;
  readonly orphanMemberships: number;
  readonly orphanPresence: number;
}

/**
 * The chat app on DynamoDB (Local) with counting ports, to re-measure the attacks of issue 12
 * on the membership store: a room flood followed by a vanish, long room names, and a join
 * racing its connection's `$disconnect`. Give each instance a client of its own (it adds a
 * request counter to the client's middleware).
 *
 * @example
 * const attacks = new MembershipAttacks({ client, tableName: 'chat' });
 * const figures = await attacks.roomFlood({ rooms: 1_500, roomLength: 16 });
 */
export class MembershipAttacks {
  readonly #recorder = new CapacityRecorder();
  readonly #poster = new CountingPoster();
  readonly #cleanups = new CountingCleanupDispatcher();
  readonly #server: Server;
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;
  #next = 0;

  constructor(options: {
    readonly client: DynamoDBClient;
    readonly tableName: string;
    /**
     * Delay before each presence entry is written (a slow network hop), so that a
     * `$disconnect` racing a join can finish before the join's presence write. Default 0.
     */
    readonly presenceEnterDelayMs?: number;
  }) {
    this.#tableName = options.tableName;
    this.#documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#recorder.attach(this.#documents);
    const table = { tableName: options.tableName, client: this.#documents };
    const presence = new DynamoDbPresenceStore(table);
    const delay = options.presenceEnterDelayMs ?? 0;
    if (delay > 0) {
      const enter = presence.enter.bind(presence);
      presence.enter = async (...args) => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        return enter(...args);
      };
    }
    this.#server = createChatApp({
      store: new DynamoDbMembershipStore(table),
      presence,
      messageLog: new DynamoDbMessageLog(table),
      poster: this.#poster,
      afterConnectDispatcher: new CountingAfterConnectDispatcher(),
      cleanupDispatcher: this.#cleanups,
      // JSON-protocol connections only: no Engine.IO session is ever read or written.
      sessions: new InMemorySessionStore(),
      // The per-connection and per-user frame limits would only slow the attacker down, and
      // counting them in this process keeps their writes out of the measured requests.
      limitStore: new InMemoryUserLimitStore(),
      rateLimit: false,
      userLimits: {
        messages: { limit: 1_000_000, windowSeconds: 2 },
        deliveries: { limit: 1_500_000_000, windowSeconds: 60 },
      },
    });
  }

  /**
   * One connection (no verified user, so no per-user budget applies) joins `rooms` rooms of
   * `roomLength` characters, one frame each, and shares the first with a victim; it vanishes
   * without `$disconnect`; the victim chats to the shared room, and the clean-up it handed
   * over runs as the worker would.
   */
  async roomFlood(options: {
    readonly rooms: number;
    readonly roomLength: number;
  }): Promise<RoomFloodFigures> {
    const attacker = await this.#connect(Date.now() - 3_600_000);
    const victim = await this.#connect();
    const shared = roomName(0, options.roomLength);
    await this.#send(victim, 'join', { room: shared });
    let accepted = 0;
    let refusedWith: string | undefined;
    for (let index = 0; index < options.rooms; index++) {
      const reply = await this.#send(attacker, 'join', {
        room: roomName(index, options.roomLength),
      });
      const error = (reply as { error?: { code: string } }).error;
      if (error) {
        refusedWith ??= error.code;
        break;
      }
      accepted++;
    }
    const { Item: item } = await this.#documents.send(
      new GetCommand({ TableName: this.#tableName, Key: { pk: `conn#${attacker}`, sk: 'conn' } }),
    );
    const connectionItemBytes = Buffer.byteLength(
      JSON.stringify(item, (_key, value) => (value instanceof Set ? [...value] : value)),
    );
    await this.#chat(victim, shared);
    const normalChat = await this.#chat(victim, shared);
    this.#poster.markGone(attacker);
    this.#cleanups.take();
    const nextChat = await this.#chat(victim, shared);
    const { cleanups } = this.#cleanups.take();
    const started = performance.now();
    let invocations = 0;
    const queue = [...cleanups];
    this.#recorder.take();
    while (queue.length > 0) {
      const cleanup = queue.shift();
      if (!cleanup) break;
      invocations++;
      const invoked = performance.now();
      await this.#server.cleanUpGone(cleanup, {
        remainingMs: () => WORKER_TIMEOUT_MS - (performance.now() - invoked),
        continuation: { dispatch: async (rest) => void queue.push(rest) },
      });
    }
    const cleanup = {
      ms: round(performance.now() - started),
      dynamoDbRequests: this.#recorder.take().requests,
      invocations,
    };
    return {
      attempted: options.rooms,
      accepted,
      refusedWith,
      connectionItemBytes,
      nextChat,
      normalChat,
      cleanup,
      itemsLeft: await this.#itemsOf(attacker, [
        ...Array.from({ length: accepted }, (_, index) => roomName(index, options.roomLength)),
      ]),
    };
  }

  /**
   * `races` times: a new connection joins a room while its `$disconnect` runs, the
   * `$disconnect` starting 0 to 19 ms after the join (race number modulo 20), so that it lands
   * at every step of the join.
   */
  async joinDisconnectRaces(races: number): Promise<RaceFigures> {
    let orphanMemberships = 0;
    let orphanPresence = 0;
    for (let race = 0; race < races; race++) {
      const id = await this.#connect();
      const room = `race-${race}`;
      await Promise.all([
        this.#send(id, 'join', { room }),
        new Promise((resolve) => setTimeout(resolve, race % 20)).then(() =>
          this.#server.handleDisconnect({ connectionId: id, statusCode: 1001, reason: 'race' }),
        ),
      ]);
      if (await this.#exists(`room#/#${room}`, id)) orphanMemberships++;
      if (await this.#exists(`presence#/#${room}`, id)) orphanPresence++;
    }
    return { races, orphanMemberships, orphanPresence };
  }

  async #connect(connectedAt = Date.now()): Promise<SocketId> {
    const id = benchId('A', ++this.#next);
    const result = await this.#server.handleConnect({
      connectionId: id,
      connectedAt,
      headers: {},
      query: {},
      sourceIp: '127.0.0.1',
      userAgent: 'attack',
      authorizer: undefined,
    });
    if (result.statusCode !== 200) throw new Error(`$connect answered ${result.statusCode}`);
    return id;
  }

  async #send(id: SocketId, action: string, data: unknown): Promise<unknown> {
    const reply = await this.#server.handleMessage({
      connectionId: id,
      body: JSON.stringify({ action, data, ack: 1 }),
    });
    return reply === undefined ? undefined : JSON.parse(reply);
  }

  async #chat(id: SocketId, room: string): Promise<{ ms: number; dynamoDbRequests: number }> {
    this.#recorder.take();
    const started = performance.now();
    await this.#send(id, 'chat', { room, message: 'hello' });
    return {
      ms: round(performance.now() - started),
      dynamoDbRequests: this.#recorder.take().requests,
    };
  }

  async #exists(pk: string, sk: string): Promise<boolean> {
    const { Item } = await this.#documents.send(
      new GetCommand({ TableName: this.#tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  /** Items of connection `id` left: its own, its namespace membership, its rooms' memberships and presence. */
  async #itemsOf(id: SocketId, rooms: readonly string[]): Promise<number> {
    const keys = [
      [`conn#${id}`, 'conn'],
      ['ns#/', id],
      [`room#/#${id}`, id],
      ...rooms.flatMap((room) => [
        [`room#/#${room}`, id],
        [`presence#/#${room}`, id],
      ]),
    ] as const;
    let left = 0;
    for (const [pk, sk] of keys) if (await this.#exists(pk, sk)) left++;
    return left;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
