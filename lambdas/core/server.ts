import { Adapter } from './adapter';
import { AfterConnectWorker } from './after-connect-worker';
import { runInConnectScope } from './connect-scope';
import {
  ConnectionStateRecovery,
  type ConnectionStateRecoveryOptions,
} from './connection-state-recovery';
import { runWithDeliveryAccount } from './delivery-account';
import { errorFields } from './error-fields';
import {
  ChatError,
  ConnectionGoneError,
  ConnectionRefusedError,
  type ErrorCode,
  RateLimitedError,
} from './errors';
import { type CleanupInvocation, GoneCleanupWorker } from './gone-cleanup-worker';
import { type Handshake, handshakeOf, storedHandshake } from './handshake';
import { Heartbeat, type HeartbeatReport } from './heartbeat';
import { DEFAULT_HEARTBEAT, type HeartbeatSettings, heartbeatSlot } from './heartbeat-settings';
import type { HistorySettings } from './history-settings';
import { Invocation, type UnobservedFailure } from './invocation';
import { type CoreLogger, silentLogger } from './logger';
import { mapWithConcurrency } from './map-with-concurrency';
import type { MissedMessages } from './missed-messages';
import { type Ack, Namespace } from './namespace';
import type { NamespaceDefinition } from './namespace-definition';
import { namespaceSocketId } from './namespace-socket-id';
import {
  type AckStore,
  type AfterConnectDispatcher,
  type BroadcastShard,
  type ChatMetrics,
  type CleanupDispatcher,
  type ConnectionCloser,
  type ConnectionPoster,
  type GoneCleanup,
  type MembershipStore,
  type MessageLog,
  noMetrics,
  type PresenceStore,
  type RecoveryStore,
  type SessionStore,
  type ShardDispatcher,
  type UserLimitStore,
} from './ports';
import {
  ackIdOf,
  argsOf,
  EVENT_NAME,
  errorData,
  type ParsedClientFrame,
  parseClientFrame,
} from './protocol';
import { TokenBucketRateLimiter } from './rate-limiter';
import { type Failure, JSON_REPLIES, type Replies, socketIoReplies } from './replies';
import { sameData } from './same-data';
import { serverAckIdOf } from './server-ack-id';
import { Socket, userFromAuthorizer, userOf } from './socket';
import {
  decodeSocketIoFrame,
  encodeConnect,
  encodeConnectError,
  encodeDisconnect,
  encodeOpen,
  isSocketIoFrame,
  PONG_FRAME,
} from './socketio-protocol';
import { TurnGate } from './turn-gate';
import type { ConnectionRecord, Room, SocketId } from './types';
import { type UserLimitOptions, UserLimits } from './user-limits';

/** API Gateway closes every connection after 2 hours; items live 15 minutes longer. */
const DEFAULT_CONNECTION_TTL_SECONDS = 2 * 60 * 60 + 15 * 60;

export interface ServerOptions {
  readonly store: MembershipStore;
  readonly poster: ConnectionPoster;
  readonly afterConnectDispatcher: AfterConnectDispatcher;
  /** Runs shards of large broadcasts in parallel workers; see `AdapterOptions.dispatcher`. */
  readonly shardDispatcher?: ShardDispatcher;
  /** Recipients above which a broadcast is sharded, and the shard size. Default 1,000. */
  readonly shardSize?: number;
  readonly logger?: CoreLogger;
  /** Where counts and timings go (Powertools Metrics on AWS). Default: nowhere. */
  readonly metrics?: ChatMetrics;
  /** The history of durable rooms (`Namespace.keepHistory`). Required by namespaces that keep history. */
  readonly messageLog?: MessageLog;
  /** Who is in presence-tracked rooms (`Namespace.trackPresence`). Required by namespaces that track presence. */
  readonly presence?: PresenceStore;
  /** Posts in flight at once per emit. Default 64. */
  readonly concurrency?: number;
  /** Seconds after `connectedAt` when a connection's items expire by TTL. Default 2 h 15 min. */
  readonly connectionTtlSeconds?: number;
  /** How long the after-connect worker keeps retrying a connection that is not open yet. Default 10 s. */
  readonly afterConnectDeadlineMs?: number;
  /**
   * Largest client frame accepted, in bytes. Default 64 KB: what the server sends on carries
   * the data plus its own fields, and must stay under API Gateway's 128 KB per message.
   */
  readonly maxPayloadBytes?: number;
  /**
   * Frames each connection may send: a burst of `capacity`, then `refillPerSecond`. Frames
   * over it are answered `RATE_LIMITED` before the store is read or a handler runs. The
   * buckets live in this process's memory, so the limit holds per Lambda container (see
   * `TokenBucketRateLimiter`); the stage's throttling is the global bound. Default
   * `{ capacity: 20, refillPerSecond: 10 }`; `false` disables it.
   */
  readonly rateLimit?: { readonly capacity: number; readonly refillPerSecond: number } | false;
  /**
   * Per-user limits counted in `limitStore`, so they hold whichever container runs an event:
   * open connections (10; the next `$connect` gets 429), frames (20 per 2 s, answered
   * `RATE_LIMITED` with `limit: "messages"`) and recipients posted on the user's behalf
   * (30,000 per 60 s, `limit: "deliveries"`). See `UserLimits`.
   */
  readonly userLimits?: UserLimitOptions;
  /**
   * Where the per-user limits are counted: `DynamoDbUserLimitStore` on AWS, so they hold across
   * containers; `InMemoryUserLimitStore` in one process (tests, a single local server).
   */
  readonly limitStore: UserLimitStore;
  /**
   * Most rooms a socket may be in (its own room not counted). A join past it is answered
   * `TOO_MANY_ROOMS` and writes nothing. Default 100.
   */
  readonly maxRoomsPerSocket?: number;
  /**
   * Runs the clean-up of connections a post found gone in a worker (`cleanUpGone`), off the
   * request that posted. Without it the request that found them cleans up.
   */
  readonly cleanupDispatcher?: CleanupDispatcher;
  /**
   * Where Socket.IO connections' Engine.IO sessions wait for their namespace's CONNECT:
   * `DynamoDbSessionStore` on AWS, where each frame may reach another container;
   * `InMemorySessionStore` in one process.
   */
  readonly sessions: SessionStore;
  /**
   * Socket.IO's connection state recovery in namespaces that keep history (see
   * `ConnectionStateRecovery`): each Socket.IO socket gets a `pid`, frames through durable
   * rooms carry offsets, and a client reconnecting within `maxDisconnectionDuration` gets its
   * socket back (`socket.recovered`). Needs `messageLog` and `recoveries`. Default: off.
   */
  readonly connectionStateRecovery?: ConnectionStateRecoveryOptions;
  /**
   * Where sockets wait for their client's reconnection: `DynamoDbRecoveryStore` on AWS,
   * `InMemoryRecoveryStore` in one process. Required by `connectionStateRecovery`.
   */
  readonly recoveries?: RecoveryStore;
  /**
   * The Socket.IO heartbeat (see `HeartbeatSettings`): what the open packet announces and how
   * `heartbeat()` ticks. Default `DEFAULT_HEARTBEAT`: a ping every 4 minutes, well within API
   * Gateway's 10-minute idle timeout, from a schedule ticking every minute.
   */
  readonly heartbeat?: HeartbeatSettings;
  /**
   * Where clients' answers to acked emits (`emitWithAck`, `emit(…, callback)`) are kept, for
   * whichever invocation waits for them (DynamoDB on AWS). Without it acked emits throw.
   */
  readonly ackStore?: AckStore;
  /**
   * Closes connections for `socket.disconnect()` and `disconnectSockets()` (API Gateway's
   * DeleteConnection on AWS). Without it those throw.
   */
  readonly closer?: ConnectionCloser;
}

/** A new connection as API Gateway's `$connect` event describes it. */
export interface ConnectInput {
  readonly connectionId: SocketId;
  readonly connectedAt: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  readonly authorizer: Readonly<Record<string, unknown>> | undefined;
  /** What a Socket.IO client sent as `auth` in its CONNECT packet. Default `{}`. */
  readonly auth?: Readonly<Record<string, unknown>>;
  /** Epoch ms when the invocation must have returned (Lambda's remaining time); bounds waits for acks. */
  readonly deadline?: number | undefined;
}

/** The `$connect` integration result: a 2xx status opens the socket. */
export interface ConnectResult {
  readonly statusCode: number;
  readonly message?: string;
  /** With a refusal: the `data` of the middleware's error, for a Socket.IO `connect_error`. */
  readonly data?: unknown;
}

export interface MessageInput {
  readonly connectionId: SocketId;
  readonly body: string | undefined;
  /** The `$connect` authorizer's context, which API Gateway passes to every route: a Socket.IO namespace's CONNECT reads the user from it. */
  readonly authorizer?: Readonly<Record<string, unknown>> | undefined;
  /** Epoch ms when the invocation must have returned (Lambda's remaining time); bounds waits for acks. */
  readonly deadline?: number | undefined;
}

export interface DisconnectInput {
  readonly connectionId: SocketId;
  readonly statusCode: number | undefined;
  readonly reason: string;
  /** See `MessageInput.deadline`. */
  readonly deadline?: number | undefined;
}

/**
 * Largest answer to a server ack, in bytes of JSON: the answers of an acked emit's 100
 * recipients share one DynamoDB item of at most 400 KB.
 */
export const MAX_ANSWER_BYTES = 3_500;

/** The ack id a parsed frame asks the reply to carry: none for an answer to a server ack. */
const ackOf = (parsed: ParsedClientFrame & { ok: true }): number | undefined =>
  'frame' in parsed ? parsed.frame.ack : undefined;

const NAMESPACE_NAME = /^\/[A-Za-z0-9_\-./]{0,127}$/;

/** Socket.IO's dynamic namespace function: calls `next(null, true)` for the names that exist. */
export type NamespaceMatcher = (
  name: string,
  auth: Readonly<Record<string, unknown>>,
  next: (error: Error | null, allowed: boolean) => void,
) => unknown;

type NameMatcher = (name: string, logger: CoreLogger) => boolean;

/** A synchronous test of names, from a regular expression or a `NamespaceMatcher`. */
function matcherOf(pattern: RegExp | NamespaceMatcher): NameMatcher {
  if (pattern instanceof RegExp) {
    const regex = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    return (name) => regex.test(name);
  }
  return (name, logger) => {
    let decided: boolean | undefined;
    try {
      pattern(name, {}, (error, allowed) => {
        decided = error === null && allowed === true;
      });
    } catch (error) {
      logger.error('A dynamic namespace function threw', { name, ...errorFields(error) });
      return false;
    }
    if (decided === undefined)
      logger.warn('A dynamic namespace function did not call next before returning', { name });
    return decided === true;
  };
}

const namespaceOf = (query: Readonly<Record<string, string>>): string => query.ns || '/';

/**
 * The chat server: namespaces plus the three entry points API Gateway's routes call.
 * Keeps no state between events, so any number of processes can serve one API.
 *
 * @example
 * const server = new Server({ store, poster, afterConnectDispatcher, sessions, limitStore });
 * server.of('/').on('whoami', (socket, _data, ack) => ack({ id: socket.id }));
 * const reply = await server.handleMessage({ connectionId, body: '{"action":"whoami","ack":1}' });
 */
export class Server {
  private readonly namespaces = new Map<string, Namespace>();
  private readonly parents: { matches: NameMatcher; parent: Namespace }[] = [];
  private readonly adapter: Adapter;
  private readonly afterConnectWorker: AfterConnectWorker;
  private readonly goneCleanupWorker: GoneCleanupWorker;
  private readonly store: MembershipStore;
  private readonly poster: ConnectionPoster;
  private readonly sessions: SessionStore;
  private readonly heartbeatSettings: HeartbeatSettings;
  private readonly heartbeatRunner: Heartbeat;
  private readonly afterConnectDispatcher: AfterConnectDispatcher;
  private readonly logger: CoreLogger;
  private readonly connectionTtlSeconds: number;
  private readonly maxPayloadBytes: number;
  private readonly rateLimiter: TokenBucketRateLimiter | undefined;
  private readonly metrics: ChatMetrics;
  private readonly messageLog: MessageLog | undefined;
  private readonly presence: PresenceStore | undefined;
  private readonly limits: UserLimits;
  private readonly ackStore: AckStore | undefined;
  private readonly turns: TurnGate;
  private readonly recovery: ConnectionStateRecovery | undefined;

  constructor(options: ServerOptions) {
    this.store = options.store;
    this.poster = options.poster;
    this.sessions = options.sessions;
    this.heartbeatSettings = options.heartbeat ?? DEFAULT_HEARTBEAT;
    this.afterConnectDispatcher = options.afterConnectDispatcher;
    this.logger = options.logger ?? silentLogger;
    this.connectionTtlSeconds = options.connectionTtlSeconds ?? DEFAULT_CONNECTION_TTL_SECONDS;
    this.maxPayloadBytes = options.maxPayloadBytes ?? 64 * 1024;
    this.rateLimiter =
      options.rateLimit === false ? undefined : new TokenBucketRateLimiter(options.rateLimit ?? {});
    this.metrics = options.metrics ?? noMetrics;
    this.messageLog = options.messageLog;
    this.presence = options.presence;
    this.ackStore = options.ackStore;
    this.turns = new TurnGate({ store: options.store, logger: this.logger });
    if (options.connectionStateRecovery && !options.messageLog)
      throw new Error('connectionStateRecovery needs the messageLog option');
    if (options.connectionStateRecovery && !options.recoveries)
      throw new Error('connectionStateRecovery needs the recoveries option');
    this.recovery =
      options.connectionStateRecovery && options.messageLog && options.recoveries
        ? new ConnectionStateRecovery(
            {
              store: options.recoveries,
              messageLog: options.messageLog,
              poster: options.poster,
              logger: this.logger,
            },
            options.connectionStateRecovery,
          )
        : undefined;
    this.limits = new UserLimits({
      ...options.userLimits,
      store: options.limitStore,
      connections: options.store,
    });
    this.adapter = new Adapter({
      store: options.store,
      poster: options.poster,
      logger: this.logger,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.shardDispatcher === undefined ? {} : { dispatcher: options.shardDispatcher }),
      ...(options.shardSize === undefined ? {} : { shardSize: options.shardSize }),
      ...(options.messageLog === undefined ? {} : { messageLog: options.messageLog }),
      offsets: this.recovery !== undefined,
      ...(options.presence === undefined ? {} : { presence: options.presence }),
      presenceFilterOf: (ns) => this.namespaceFor(ns)?.presenceFilter,
      metrics: this.metrics,
      limits: this.limits,
      ...(options.maxRoomsPerSocket === undefined
        ? {}
        : { maxRoomsPerSocket: options.maxRoomsPerSocket }),
      ...(options.cleanupDispatcher === undefined
        ? {}
        : { cleanupDispatcher: options.cleanupDispatcher }),
      ...(options.closer === undefined ? {} : { closer: options.closer }),
      ...(options.ackStore === undefined ? {} : { ackStore: options.ackStore }),
    });
    this.goneCleanupWorker = new GoneCleanupWorker({
      adapter: this.adapter,
      logger: this.logger,
      metrics: this.metrics,
    });
    this.heartbeatRunner = new Heartbeat({
      sessions: this.sessions,
      poster: options.poster,
      settings: this.heartbeatSettings,
      concurrency: options.concurrency ?? 64,
      removeGone: (ids) => this.removeGoneSessions(ids),
      logger: this.logger,
      metrics: this.metrics,
    });
    this.afterConnectWorker = new AfterConnectWorker({
      poster: options.poster,
      adapter: this.adapter,
      logger: this.logger,
      ...(options.afterConnectDeadlineMs === undefined
        ? {}
        : { deadlineMs: options.afterConnectDeadlineMs }),
    });
  }

  /**
   * The namespace of that name, created on first use (names start with `/`), or a dynamic
   * namespace: a regular expression or a function that decides which names exist. Clients
   * connect to any matching name (`?ns=/team-42`); each such child namespace has the
   * middleware, hooks and handlers registered on the parent, and its own rooms. A function
   * is Socket.IO's `(name, auth, next) => next(null, allowed)`, and must call `next` before it
   * returns (a regular expression always does), since every process decides on its own.
   * `of('/team-42')` then returns that child, to emit to its rooms; what is registered on a
   * child is registered on its parent, for all children (a child lives one event long).
   *
   * @example
   * server.of(/^\/team-\d+$/).on('hello', (socket, ack) => ack?.(socket.nsp.name));
   */
  of(name: string | RegExp | NamespaceMatcher): Namespace {
    if (typeof name !== 'string') {
      const parent = this.createNamespace(String(name));
      this.parents.push({ matches: matcherOf(name), parent });
      return parent;
    }
    if (!NAMESPACE_NAME.test(name)) throw new Error(`Invalid namespace name "${name}"`);
    let nsp = this.namespaceFor(name);
    if (!nsp) {
      nsp = this.createNamespace(name);
      this.namespaces.set(name, nsp);
    }
    return nsp;
  }

  /**
   * The namespace clients of that name belong to: the one `of(name)` defined, or else a child
   * of the first dynamic namespace that matches it (made afresh: children are not kept, so
   * arbitrary names cost no memory).
   */
  private namespaceFor(name: string): Namespace | undefined {
    const known = this.namespaces.get(name);
    if (known || !NAMESPACE_NAME.test(name)) return known;
    const match = this.parents.find(({ matches }) => matches(name, this.logger));
    return match && this.createNamespace(name, match.parent.definitionForChildren);
  }

  private createNamespace(name: string, definition?: NamespaceDefinition): Namespace {
    const services = {
      messageLog: this.messageLog,
      presence: this.presence,
      limits: this.limits,
      disconnectSocketIo: (record: ConnectionRecord) => this.disconnectSocketIo(record),
    };
    return new Namespace(name, this.adapter, services, definition);
  }

  /**
   * The names of the namespaces defined so far (`of` defines one on first use), the ones
   * clients can connect to.
   *
   * @example
   * createChatApp(options).namespaceNames(); // ['/', '/chat', '/notification']
   */
  namespaceNames(): string[] {
    return [...this.namespaces.keys()];
  }

  /**
   * `$connect`: picks the namespace (`?ns=`, default `/`), runs its middleware, stores the
   * connection and runs the connection hook. Frames the hook sends to the new socket are
   * handed to the after-connect worker, since API Gateway refuses posts until we return.
   */
  async handleConnect(input: ConnectInput): Promise<ConnectResult> {
    if (input.query.EIO !== undefined) return this.openEngineSession(input);
    const name = namespaceOf(input.query);
    const nsp = this.namespaceFor(name);
    if (!nsp) {
      const message = `Unknown namespace ${name}`;
      this.logger.info('Connection refused', {
        connectionId: input.connectionId,
        ns: name,
        statusCode: 404,
        reason: message,
      });
      return { statusCode: 404, message };
    }
    const user = userFromAuthorizer(input.authorizer);
    const handshake: Handshake = {
      headers: input.headers,
      query: input.query,
      auth: input.auth ?? {},
      address: input.sourceIp,
      userAgent: input.userAgent,
      time: input.connectedAt,
      authorizer: input.authorizer,
    };
    const record: ConnectionRecord = {
      id: input.connectionId,
      ns: name,
      rooms: [],
      data: user ? { user } : {},
      connectedAt: input.connectedAt,
      expiresAt: Math.floor(input.connectedAt / 1000) + this.connectionTtlSeconds,
      handshake: storedHandshake(handshake),
    };
    const admitted = await this.admit(nsp, record, handshake);
    if (!('socket' in admitted)) return admitted;
    const { socket, stored } = admitted;
    try {
      const { frames } = await runInConnectScope(socket.id, async () => {
        const failures = await this.runInInvocation(
          'connection',
          socket.id,
          () => nsp.runConnectionListeners(socket),
          input.deadline,
        );
        await this.saveDataIfChanged(socket, stored);
        await this.reportFailures(failures, 'connection', socket, undefined);
      });
      if (frames.length > 0) await this.afterConnectDispatcher.dispatch(socket.id, frames);
    } catch (error) {
      // The hook may have joined presence-tracked rooms (and announced it) before it threw.
      await this.adapter.delAll([socket.id], 'disconnect');
      throw error;
    }
    this.metrics.count('Connections');
    this.logger.info('Connected', { connectionId: socket.id, ns: name });
    return { statusCode: 200 };
  }

  /**
   * Runs the namespace's middleware on a new socket, then stores it and admits it under the
   * user's connection limit. Resolves with the socket, or with the refusal to answer.
   */
  private async admit(
    nsp: Namespace,
    record: ConnectionRecord,
    handshake: Handshake,
    recovered = false,
  ): Promise<{ socket: Socket; stored: ConnectionRecord } | ConnectResult> {
    const socket = new Socket(nsp, this.adapter, record, handshake, recovered);
    try {
      if (!(recovered && this.recovery?.skipMiddlewares)) await nsp.runMiddlewares(socket);
    } catch (error) {
      if (error instanceof ConnectionRefusedError) {
        this.metrics.count('ConnectionsRefused');
        this.logger.info('Connection refused', {
          connectionId: record.id,
          ns: record.ns,
          statusCode: error.statusCode,
          reason: error.message,
        });
        return {
          statusCode: error.statusCode,
          message: error.message,
          ...(error.data === undefined ? {} : { data: error.data }),
        };
      }
      throw error;
    }
    restoreUser(socket, record);
    const stored: ConnectionRecord = { ...record, data: structuredClone(socket.data) };
    await this.store.addConnection(stored);
    // Stored first: a holder of a slot that is not stored is then surely stale.
    const refusal = await this.limits.admit(userOf(stored.data), socket.id, stored.expiresAt);
    if (refusal) {
      await this.store.removeMemberships(await this.store.detachConnections([socket.id]));
      this.metrics.count('ConnectionsRefused');
      this.logger.info('Connection refused', {
        connectionId: record.id,
        ns: record.ns,
        statusCode: refusal.statusCode,
        reason: refusal.message,
      });
      return refusal;
    }
    return { socket, stored };
  }

  /**
   * `$connect` of a Socket.IO client (`?EIO=4&transport=websocket`): stores the Engine.IO
   * session and has the after-connect worker send the open packet (API Gateway refuses posts
   * until `$connect` returns). Namespaces are connected later, by CONNECT packets.
   */
  private async openEngineSession(input: ConnectInput): Promise<ConnectResult> {
    const refuse = (message: string): ConnectResult => {
      this.metrics.count('ConnectionsRefused');
      this.logger.info('Connection refused', {
        connectionId: input.connectionId,
        statusCode: 400,
        reason: message,
      });
      return { statusCode: 400, message };
    };
    if (input.query.EIO !== '4')
      return refuse(
        `Engine.IO protocol ${input.query.EIO} is not served: Socket.IO clients v3 and later (EIO=4) only`,
      );
    if (input.query.transport !== 'websocket')
      return refuse("Only the WebSocket transport is served: set transports: ['websocket']");
    const handshake: Handshake = {
      headers: input.headers,
      query: input.query,
      auth: {},
      address: input.sourceIp,
      userAgent: input.userAgent,
      time: input.connectedAt,
      authorizer: input.authorizer,
    };
    await this.sessions.open({
      id: input.connectionId,
      connectedAt: input.connectedAt,
      expiresAt: Math.floor(input.connectedAt / 1000) + this.connectionTtlSeconds,
      handshake: storedHandshake(handshake),
      slot: heartbeatSlot(input.connectedAt, this.heartbeatSettings),
      namespaces: [],
    });
    const open = encodeOpen({
      sid: input.connectionId,
      pingInterval: this.heartbeatSettings.pingIntervalMs,
      pingTimeout: this.heartbeatSettings.pingTimeoutMs,
      maxPayload: this.maxPayloadBytes,
    });
    await this.afterConnectDispatcher.dispatch(input.connectionId, [open]);
    this.logger.info('Engine.IO session opened', { connectionId: input.connectionId });
    return { statusCode: 200 };
  }

  /**
   * A client frame (`$default`): validates it, runs the event's handler and returns the
   * frame to send back in the route response (an ack or an error), if any.
   */
  async handleMessage(input: MessageInput): Promise<string | undefined> {
    this.metrics.count('MessagesReceived');
    const body = input.body ?? '';
    if (isSocketIoFrame(body)) return this.handleSocketIoFrame(input, body);
    const size = Buffer.byteLength(body, 'utf8');
    const parsed = size > this.maxPayloadBytes ? undefined : parseClientFrame(input.body);
    if (this.rateLimiter && !this.rateLimiter.tryTake(input.connectionId)) {
      this.logger.debug('Rate limited', { connectionId: input.connectionId });
      const ack = parsed ? (parsed.ok ? ackOf(parsed) : parsed.ack) : ackIdOf(body);
      return this.fail({
        code: 'RATE_LIMITED',
        message: 'Too many messages on this connection: slow down',
        ack,
        limit: 'connection',
      });
    }
    if (!parsed) {
      const record = await this.store.getConnection(input.connectionId);
      return this.fail({
        code: 'PAYLOAD_TOO_LARGE',
        message: `Frame of ${size} bytes is over the limit of ${this.maxPayloadBytes}`,
        ack: ackIdOf(body),
        ns: record?.ns,
      });
    }
    if (!parsed.ok) {
      const record = await this.store.getConnection(input.connectionId);
      return this.fail({
        code: 'BAD_REQUEST',
        message: parsed.message,
        ack: parsed.ack,
        ns: record?.ns,
      });
    }
    if ('answer' in parsed)
      return this.recordAnswer(input.connectionId, parsed.answer.ack, argsOf(parsed.answer));
    const { action, ack, n } = parsed.frame;
    try {
      return await this.dispatch(
        input.connectionId,
        action,
        argsOf(parsed.frame),
        ack,
        input.deadline,
        n,
      );
    } catch (error) {
      const { code, message, limit } = this.toFailure(error, action, input.connectionId);
      return this.fail({ code, message, ack, limit });
    }
  }

  /**
   * A Socket.IO client's frame (`$default`): a pong or noop costs nothing; CONNECT runs the
   * namespace's middleware with the session's handshake and the packet's `auth`; events and
   * acks go where JSON-protocol ones do. Answers in Socket.IO framing.
   */
  private async handleSocketIoFrame(
    input: MessageInput,
    body: string,
  ): Promise<string | undefined> {
    const size = Buffer.byteLength(body, 'utf8');
    if (size > this.maxPayloadBytes) {
      return this.fail(
        {
          code: 'PAYLOAD_TOO_LARGE',
          message: `Frame of ${size} bytes is over the limit of ${this.maxPayloadBytes}`,
        },
        socketIoReplies('/'),
      );
    }
    const inbound = decodeSocketIoFrame(body);
    if (inbound.kind === 'pong' || inbound.kind === 'noop') return undefined;
    if (inbound.kind === 'ping') return PONG_FRAME;
    const ns = 'ns' in inbound && inbound.ns !== undefined ? inbound.ns : '/';
    const replies = socketIoReplies(ns);
    const ack = inbound.kind === 'event' || inbound.kind === 'invalid' ? inbound.ack : undefined;
    if (this.rateLimiter && !this.rateLimiter.tryTake(input.connectionId)) {
      return this.fail(
        {
          code: 'RATE_LIMITED',
          message: 'Too many messages on this connection: slow down',
          ack,
          limit: 'connection',
        },
        replies,
      );
    }
    switch (inbound.kind) {
      case 'close':
        await this.adapter.closeConnections([input.connectionId]);
        return undefined;
      case 'invalid':
        return this.fail({ code: 'BAD_REQUEST', message: inbound.message, ack }, replies);
      case 'connect':
        return this.connectNamespace(input, inbound.ns, inbound.auth);
      case 'disconnect':
        await this.leaveNamespace(input, inbound.ns);
        return undefined;
      case 'ack':
        return this.recordAnswer(
          namespaceSocketId(input.connectionId, ns),
          serverAckIdOf(inbound.id),
          inbound.args,
          replies,
        );
      case 'event': {
        if (!EVENT_NAME.test(inbound.event)) {
          const message = 'Event names are 1-64 of A-Z a-z 0-9 _ - : .';
          return this.fail({ code: 'BAD_REQUEST', message, ack }, replies);
        }
        try {
          return await this.dispatch(
            namespaceSocketId(input.connectionId, ns),
            inbound.event,
            inbound.args,
            ack,
            input.deadline,
            undefined,
            replies,
            ns,
          );
        } catch (error) {
          const failure = this.toFailure(error, inbound.event, input.connectionId);
          return this.fail({ ...failure, ack }, replies);
        }
      }
    }
  }

  /**
   * A Socket.IO CONNECT (`40/ns,{auth}`): the namespace's socket (its id derived from the
   * connection and the namespace: `namespaceSocketId`) is created as at `$connect` (middleware
   * with `socket.handshake.auth`, storage, the user's connection limit) and listed in the
   * session, the CONNECT answer is posted, then the connection hook runs, so its emits arrive
   * after it. A refusal is the route response `44/ns,{"message","data"}`, the client's
   * `connect_error`. Namespaces are multiplexed: each CONNECT on a connection adds a socket.
   */
  private async connectNamespace(
    input: MessageInput,
    ns: string,
    auth: Record<string, unknown>,
  ): Promise<string | undefined> {
    const connection = input.connectionId;
    const id = namespaceSocketId(connection, ns);
    const existing = await this.store.getConnection(id);
    if (existing) return encodeConnect(ns, id, existing.pid);
    const session = await this.sessions.get(connection);
    if (!session) return encodeConnectError(ns, 'Unknown session: reconnect');
    const nsp = this.namespaceFor(ns);
    if (!nsp) return encodeConnectError(ns, 'Invalid namespace');
    const user = userFromAuthorizer(input.authorizer);
    // socket.io-client adds its recovery claim to the app's auth: the app sees its own only.
    const { pid: _pid, offset: _offset, ...appAuth } = auth;
    const history = nsp.historySettings;
    const recovery = history ? this.recovery : undefined;
    const handshake: Handshake = {
      ...session.handshake,
      auth: appAuth,
      authorizer: input.authorizer,
    };
    const fresh: ConnectionRecord = {
      id,
      ns,
      rooms: [],
      data: user ? { user } : {},
      connectedAt: session.connectedAt,
      expiresAt: session.expiresAt,
      handshake: storedHandshake(handshake),
      protocol: 'socket.io',
      connection,
      ...(recovery ? { pid: recovery.newPid() } : {}),
    };
    const recovered =
      recovery && history
        ? await this.recoverable(nsp, fresh, handshake, auth, recovery, history)
        : undefined;
    const record = recovered?.record ?? fresh;
    const admitted = await this.admit(nsp, record, handshake, recovered !== undefined);
    if (!('socket' in admitted))
      return encodeConnectError(ns, admitted.message ?? 'Connection refused', admitted.data);
    const { socket, stored } = admitted;
    // Listed before it is announced: a $disconnect from now on finds it through the session.
    const listed = await this.sessions.addNamespace(connection, ns);
    const answer = encodeConnect(ns, id, record.pid);
    if (
      !listed ||
      (await this.poster.post(connection, answer)) === 'gone' ||
      (recovered &&
        recovery &&
        history &&
        (await this.restore(socket, recovered, recovery, history))) === 'gone'
    ) {
      await this.adapter.delAll([id], 'disconnect');
      return undefined;
    }
    try {
      const failures = await this.runInInvocation(
        'connection',
        id,
        () => nsp.runConnectionListeners(socket),
        input.deadline,
      );
      await this.saveDataIfChanged(socket, stored);
      await this.reportFailures(failures, 'connection', socket, undefined, socketIoReplies(ns));
    } catch (error) {
      await this.adapter.delAll([id], 'disconnect');
      throw error;
    }
    this.metrics.count('Connections');
    this.logger.info('Connected', {
      connectionId: connection,
      socketId: id,
      ns,
      protocol: 'socket.io',
    });
    return undefined;
  }

  /**
   * The socket a CONNECT's recovery claim gives back, if it can: its record (its data, pid and
   * user; rooms are joined later), the rooms the namespace's join policies still allow it, and
   * what it missed there. `undefined` for a fresh socket.
   */
  private async recoverable(
    nsp: Namespace,
    fresh: ConnectionRecord,
    handshake: Handshake,
    auth: Record<string, unknown>,
    recovery: ConnectionStateRecovery,
    history: HistorySettings,
  ): Promise<Recovered | undefined> {
    const user = userOf(fresh.data);
    const claim = await recovery.claim(auth, nsp.name, user?.id);
    if (!claim) return undefined;
    const record: ConnectionRecord = {
      ...fresh,
      data: { ...claim.kept.data, ...fresh.data },
      pid: claim.kept.pid,
    };
    const socket = new Socket(nsp, this.adapter, record, handshake, true);
    const rooms: Room[] = [];
    for (const room of claim.kept.rooms) {
      if (await nsp.mayJoin(socket, room)) rooms.push(room);
    }
    const missed = await recovery.missed(claim, rooms, history);
    return missed && { record, rooms, missed };
  }

  /**
   * Gives a recovered socket back what it had: the messages it missed, in order, then its
   * rooms, then what reached those rooms before the join. Joining after the replay keeps the
   * order: nothing live reaches the socket through its rooms before what it missed there. A
   * message stored in the milliseconds of the join itself may arrive twice, or not at all.
   */
  private async restore(
    socket: Socket,
    recovered: Recovered,
    recovery: ConnectionStateRecovery,
    history: HistorySettings,
  ): Promise<'delivered' | 'gone'> {
    const connection = socket.connectionRecord.connection ?? socket.id;
    const ns = socket.nsp.name;
    const { rooms, missed } = recovered;
    if ((await recovery.replay(connection, ns, missed.messages)) === 'gone') return 'gone';
    const heads = await recovery.heads(ns, rooms, history);
    await socket.join(rooms);
    const meanwhile = await recovery.catchUp(ns, missed.positions, heads, history);
    const delivered = await recovery.replay(connection, ns, meanwhile);
    this.logger.info('Connection state recovered', {
      connectionId: connection,
      socketId: socket.id,
      ns,
      rooms: rooms.length,
      missed: missed.messages.length + meanwhile.length,
    });
    return delivered;
  }

  /**
   * The server ends a Socket.IO namespace socket (`socket.disconnect()`): `41/ns,` tells its
   * client, then the socket ends as at `$disconnect` (hooks, rooms, presence; not kept for
   * recovery, as Socket.IO keeps no socket the server disconnected); the connection stays open.
   */
  private async disconnectSocketIo(record: ConnectionRecord): Promise<void> {
    const connection = record.connection ?? record.id;
    await this.poster.post(connection, encodeDisconnect(record.ns));
    await this.endSocket(
      record,
      { statusCode: undefined, reason: 'server namespace disconnect' },
      undefined,
      false,
    );
    await this.sessions.removeNamespace(connection, record.ns);
  }

  /**
   * A Socket.IO DISCONNECT (`41/ns,`): the socket ends as at `$disconnect`, not kept for
   * recovery (in a namespace that recovers, marked as left first: the connection's
   * `$disconnect` may be handled before or during this frame); the connection stays open.
   */
  private async leaveNamespace(input: MessageInput, ns: string): Promise<void> {
    const id = namespaceSocketId(input.connectionId, ns);
    if (this.recovery && this.namespaceFor(ns)?.historySettings) await this.recovery.forget(id);
    const record = await this.store.getConnection(id);
    if (!record) return;
    await this.endSocket(
      record,
      { statusCode: undefined, reason: 'client namespace disconnect' },
      input.deadline,
      false,
    );
    await this.sessions.removeNamespace(input.connectionId, ns);
  }

  private async dispatch(
    connectionId: SocketId,
    action: string,
    args: unknown[],
    ack: number | undefined,
    deadline: number | undefined,
    n: number | undefined,
    replies: Replies = JSON_REPLIES,
    ns?: string,
  ): Promise<string | undefined> {
    const read = await this.store.getConnection(connectionId);
    if (ns !== undefined && read?.ns !== ns) {
      const message = `Not connected to namespace ${ns}`;
      return this.fail({ code: 'NOT_FOUND', message, ack, ns }, replies);
    }
    if (!read || n === undefined)
      return this.dispatchTo(read, connectionId, action, args, ack, deadline, replies);
    // Leaves the handler at least 3 s of the invocation.
    const record = await this.turns.waitFor(read, n, (deadline ?? Date.now() + 10_000) - 3_000);
    try {
      return await this.dispatchTo(record, connectionId, action, args, ack, deadline, replies);
    } finally {
      if (record) await this.turns.done(connectionId, n);
    }
  }

  /** `dispatch` once the connection's earlier frames are handled. */
  private async dispatchTo(
    record: ConnectionRecord | undefined,
    connectionId: SocketId,
    action: string,
    args: unknown[],
    ack: number | undefined,
    deadline: number | undefined,
    replies: Replies,
  ): Promise<string | undefined> {
    const nsp = record && this.namespaceFor(record.ns);
    if (!record || !nsp) {
      return this.fail(
        { code: 'NOT_FOUND', message: 'Unknown connection: reconnect', ack },
        replies,
      );
    }
    let account: Awaited<ReturnType<UserLimits['chargeFrame']>>;
    try {
      const user = userOf(record.data);
      account = await this.limits.chargeFrame(user ? `user:${user.id}` : `connection:${record.id}`);
    } catch (error) {
      const { code, message, limit } = this.toFailure(error, action, connectionId);
      return this.fail({ code, message, ack, ns: record.ns, limit }, replies);
    }
    const handler = nsp.handlerFor(action);
    const unknownEvent = () =>
      ack === undefined
        ? undefined
        : this.fail(
            { code: 'UNKNOWN_EVENT', message: `No handler for "${action}"`, ack, ns: record.ns },
            replies,
          );
    if (!handler && !nsp.hearsAnyEvent) return unknownEvent();
    const socket = new Socket(nsp, this.adapter, record, handshakeOf(record));
    const invocation = this.invocationFor(action, socket.id, deadline);
    let reply: string | undefined;
    let answered = false;
    const ackFn: Ack = (...values) => {
      if (answered || ack === undefined) return;
      answered = true;
      reply = replies.ack(ack, values);
      if (invocation.hasEnded) this.postLate(socket.id, reply, action);
    };
    const run = async () => {
      const failures = await this.runInInvocation(invocation, socket.id, async () => {
        await nsp.runAnyListeners(socket, action, args);
        await handler?.(socket, ...args, ...(ack === undefined ? [] : [ackFn]));
      });
      await this.saveDataIfChanged(socket, record);
      return failures;
    };
    let failures: readonly UnobservedFailure[];
    try {
      failures = await (account ? runWithDeliveryAccount(account, run) : run());
    } catch (error) {
      answered = true;
      const { code, message, limit } = this.toFailure(error, action, socket.id);
      return this.fail({ code, message, ack, ns: record.ns, limit }, replies);
    } finally {
      if (account) this.limits.settleFrame(account);
    }
    const reported = await this.reportFailures(
      failures,
      action,
      socket,
      answered ? undefined : ack,
      replies,
    );
    answered = true;
    return reply ?? reported ?? (handler ? undefined : unknownEvent());
  }

  /**
   * A client's answer to an event the server sent with an ack id: recorded in the ack store,
   * where the emitting invocation reads it. Nothing is sent back; an answer to an unknown,
   * expired or already answered ack is dropped, as Socket.IO drops it.
   */
  private async recordAnswer(
    connectionId: SocketId,
    ackId: string,
    args: readonly unknown[],
    replies: Replies = JSON_REPLIES,
  ): Promise<string | undefined> {
    const size = Buffer.byteLength(JSON.stringify(args), 'utf8');
    if (size > MAX_ANSWER_BYTES) {
      return this.fail(
        {
          code: 'PAYLOAD_TOO_LARGE',
          message: `An answer to a server ack is at most ${MAX_ANSWER_BYTES} bytes; this one is ${size}`,
        },
        replies,
      );
    }
    const recorded = await this.ackStore?.answer(ackId, connectionId, args);
    if (!recorded) this.logger.debug('Answer to no pending ack dropped', { connectionId });
    return undefined;
  }

  /** An invocation whose late operations are logged as the Lambda freeze risk they are. */
  private invocationFor(
    what: string,
    connectionId: SocketId,
    deadline: number | undefined,
  ): Invocation {
    return new Invocation(
      (operation) =>
        this.logger.warn('Operation started after the invocation returned: it may never finish', {
          operation,
          during: what,
          connectionId,
        }),
      deadline,
    );
  }

  /**
   * Logs the failures of operations a handler or hook started but never awaited, and tells
   * its socket: the first in the reply to `ack` when the client is still waiting for one,
   * every other one as an `error` event. Resolves with the reply frame, if any.
   */
  private async reportFailures(
    failures: readonly UnobservedFailure[],
    action: string,
    socket: Socket,
    ack: number | undefined,
    replies: Replies = JSON_REPLIES,
  ): Promise<string | undefined> {
    let reply: string | undefined;
    for (const [index, { operation, error }] of failures.entries()) {
      const { code, message, limit } = this.toFailure(error, `${action}: ${operation}`, socket.id);
      this.logger.warn('An operation nobody awaited failed', { action, operation, code, message });
      const failure = { code, message, limit, ns: socket.nsp.name };
      if (index === 0 && ack !== undefined) {
        reply = this.fail({ ...failure, ack }, replies);
        continue;
      }
      this.metrics.count('Errors', 1, { ErrorCode: code });
      await this.adapter
        .send({ event: 'error', data: errorData(failure) }, socket.nsp.name, [socket.recipient])
        .catch((postError: unknown) =>
          this.logger.error('Reporting a failure to its socket failed', {
            ...errorFields(postError),
          }),
        );
    }
    return reply;
  }

  /** Posts an ack answered after its invocation returned (a timer's callback, say). */
  private postLate(connectionId: SocketId, frame: string, action: string): void {
    this.logger.warn('Ack answered after the invocation returned: posted on its own', {
      action,
      connectionId,
    });
    this.adapter
      .postShard({ groups: [{ frame, connectionIds: [connectionId] }] })
      .catch((error: unknown) =>
        this.logger.error('Posting a late ack failed', { ...errorFields(error) }),
      );
  }

  /**
   * `$disconnect`: runs the `disconnecting` hooks (the socket still in its rooms), removes
   * the connection and its memberships, then runs the `disconnect` hooks. Idempotent.
   */
  async handleDisconnect(input: DisconnectInput): Promise<void> {
    const reason = { statusCode: input.statusCode, reason: input.reason };
    const record = await this.store.getConnection(input.connectionId);
    if (record) {
      await this.endSocket(record, reason, input.deadline);
      return;
    }
    // A Socket.IO connection: a session, and a socket per namespace it connected.
    const session = await this.sessions.get(input.connectionId);
    if (!session) return;
    for (const ns of session.namespaces) {
      const socket = await this.store.getConnection(namespaceSocketId(session.id, ns));
      if (socket) await this.endSocket(socket, reason, input.deadline);
    }
    await this.sessions.close(session.id);
  }

  /**
   * Runs the `disconnecting` hooks (the socket still in its rooms), removes the socket and
   * its memberships, then runs the `disconnect` hooks.
   */
  private async endSocket(
    record: ConnectionRecord,
    reason: { readonly statusCode: number | undefined; readonly reason: string },
    deadline: number | undefined,
    recoverable = true,
  ): Promise<void> {
    const nsp = this.namespaceFor(record.ns);
    if (nsp) {
      const socket = new Socket(nsp, this.adapter, record, handshakeOf(record));
      const failures = await this.runInInvocation(
        'disconnecting',
        socket.id,
        () => nsp.runDisconnectingListeners(socket, reason),
        deadline,
      );
      this.logFailures(failures, 'disconnecting', socket.id);
    }
    if (recoverable && record.pid !== undefined) await this.recovery?.keep(record);
    const removed = await this.adapter.delAll([record.id], 'disconnect');
    if (removed.length > 0) this.metrics.count('Disconnections');
    this.logger.info('Disconnected', { connectionId: record.id, ns: record.ns, ...reason });
    if (!nsp) return;
    const socket = new Socket(nsp, this.adapter, { ...record, rooms: [] }, handshakeOf(record));
    const failures = await this.runInInvocation(
      'disconnect',
      socket.id,
      () => nsp.runDisconnectListeners(socket, reason),
      deadline,
    );
    this.logFailures(failures, 'disconnect', socket.id);
  }

  /** Logs the failures of operations a hook started but never awaited, where no one can be told. */
  private logFailures(
    failures: readonly UnobservedFailure[],
    action: string,
    connectionId: SocketId,
  ): void {
    for (const { operation, error } of failures) {
      this.logger.warn('An operation nobody awaited failed', {
        action,
        operation,
        connectionId,
        ...errorFields(error),
      });
    }
  }

  /**
   * Runs a handler or hook in its own invocation and waits, even when it throws, for every
   * operation it started; resolves with the failures nobody awaited.
   */
  private async runInInvocation(
    what: string | Invocation,
    connectionId: SocketId,
    work: () => unknown,
    deadline?: number,
  ): Promise<readonly UnobservedFailure[]> {
    const invocation =
      typeof what === 'string' ? this.invocationFor(what, connectionId, deadline) : what;
    let failures: readonly UnobservedFailure[];
    try {
      await invocation.scope(work);
    } finally {
      failures = await invocation.settle();
    }
    return failures;
  }

  /**
   * Removes Socket.IO connections found gone: each namespace socket the session lists (as any
   * gone socket is removed), then the session.
   */
  private async removeGoneSessions(connectionIds: readonly SocketId[]): Promise<void> {
    const sessions = await mapWithConcurrency(connectionIds, 16, (id) => this.sessions.get(id));
    const found = sessions.flatMap((result) =>
      result.status === 'fulfilled' && result.value !== undefined ? [result.value] : [],
    );
    await this.adapter.removeGone(
      found.flatMap((session) => session.namespaces.map((ns) => namespaceSocketId(session.id, ns))),
    );
    await mapWithConcurrency(found, 16, (session) => this.sessions.close(session.id));
  }

  /**
   * The scheduled heartbeat: pings the Socket.IO connections of the slot due at `at` (the
   * schedule's time, epoch ms); see `Heartbeat`.
   *
   * @example
   * await server.heartbeat(Date.parse(scheduledEvent.time));
   */
  heartbeat(at: number): Promise<HeartbeatReport> {
    return this.heartbeatRunner.tick(at);
  }

  /** The after-connect worker's entry point; see `AfterConnectWorker`. Never throws. */
  postAfterConnect(connectionId: SocketId, frames: readonly string[]): Promise<void> {
    return this.afterConnectWorker.post(connectionId, frames);
  }

  /**
   * The shard worker: posts a shard of a large broadcast (bounded concurrency, gone
   * clean-up). Post failures are logged, not thrown, so an asynchronous invocation is not
   * retried and no recipient gets a frame twice.
   */
  async postShard(shard: BroadcastShard): Promise<void> {
    await this.adapter.postShard(shard);
  }

  /**
   * The clean-up worker: removes connections a post found gone, handing what is left to
   * `invocation.continuation` when time runs short; see `GoneCleanupWorker`. Never throws.
   */
  cleanUpGone(cleanup: GoneCleanup, invocation: CleanupInvocation): Promise<void> {
    return this.goneCleanupWorker.run(cleanup, invocation);
  }

  /** Encodes a failure frame in the client's protocol and counts it under its code. */
  private fail(failure: Failure, replies: Replies = JSON_REPLIES): string {
    this.metrics.count('Errors', 1, { ErrorCode: failure.code });
    return replies.failure(failure);
  }

  private async saveDataIfChanged(socket: Socket, before: ConnectionRecord): Promise<void> {
    restoreUser(socket, before);
    if (!sameData(socket.data, before.data)) {
      await this.store.saveData(socket.id, socket.data);
    }
  }

  private toFailure(
    error: unknown,
    action: string,
    connectionId: SocketId,
  ): { code: ErrorCode; message: string; limit?: RateLimitedError['limit'] } {
    if (error instanceof RateLimitedError)
      return { code: error.code, message: error.message, limit: error.limit };
    if (error instanceof ChatError) return { code: error.code, message: error.message };
    if (error instanceof ConnectionGoneError)
      return { code: 'NOT_FOUND', message: 'Unknown connection: reconnect' };
    this.logger.error('Handler failed', {
      action,
      connectionId,
      ...errorFields(error, { stack: true }),
    });
    return { code: 'INTERNAL', message: 'Internal error' };
  }
}

/** A socket connection state recovery gives back: its record, the rooms to join again, what it missed. */
interface Recovered {
  readonly record: ConnectionRecord;
  readonly rooms: readonly Room[];
  readonly missed: MissedMessages;
}

/**
 * When an authorizer verified the user, `data.user` is its verdict: handlers may read it but
 * not change it, so the stored user (and the `user` stamped on frames) always is the one
 * verified at `$connect`.
 */
function restoreUser(socket: Socket, record: ConnectionRecord): void {
  const user = userOf(record.data);
  if (user) socket.data.user = user;
}
