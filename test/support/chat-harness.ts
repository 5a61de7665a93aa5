import { type ChatAppServerOptions, createChatApp } from '../../lambdas/app/chat-app';
import { InMemoryMembershipStore } from '../../lambdas/core/in-memory-membership-store';
import { InMemoryMessageLog } from '../../lambdas/core/in-memory-message-log';
import { InMemoryPoster } from '../../lambdas/core/in-memory-poster';
import { InMemoryPresenceStore } from '../../lambdas/core/in-memory-presence-store';
import { InMemorySessionStore } from '../../lambdas/core/in-memory-session-store';
import { InMemoryUserLimitStore } from '../../lambdas/core/in-memory-user-limit-store';
import type { AfterConnectDispatcher } from '../../lambdas/core/ports';
import type { Server, ServerOptions } from '../../lambdas/core/server';

let counter = 0;

/** A fresh id shaped like API Gateway's (16 base64 characters ending in `=`). */
export function connectionId(): string {
  counter += 1;
  return `C${String(counter).padStart(14, '0')}=`;
}

/**
 * The stores a server keeps per user and per Engine.IO session, in this process's memory:
 * what a test's own `new Server(…)` passes, as the stack passes DynamoDB's.
 */
export function inMemoryServerStores(): Pick<ServerOptions, 'sessions' | 'limitStore'> {
  return { sessions: new InMemorySessionStore(), limitStore: new InMemoryUserLimitStore() };
}

/** Records what the server hands to the after-connect worker. */
export class RecordingAfterConnectDispatcher implements AfterConnectDispatcher {
  readonly calls: { connectionId: string; frames: readonly string[] }[] = [];
  async dispatch(id: string, frames: readonly string[]): Promise<void> {
    this.calls.push({ connectionId: id, frames });
  }
}

/**
 * A server on in-memory ports with helpers that speak wire protocol v1, so tests read
 * like a client session.
 */
export class ChatHarness {
  readonly store = new InMemoryMembershipStore();
  readonly poster = new InMemoryPoster();
  readonly afterConnect = new RecordingAfterConnectDispatcher();
  readonly messageLog = new InMemoryMessageLog();
  readonly presence = new InMemoryPresenceStore();
  readonly server: Server;

  constructor(
    build: (options: ChatAppServerOptions) => Server = createChatApp,
    extra: Partial<ServerOptions> = {},
  ) {
    const defaults = inMemoryServerStores();
    const { sessions = defaults.sessions, limitStore = defaults.limitStore, ...rest } = extra;
    this.server = build({
      store: this.store,
      poster: this.poster,
      afterConnectDispatcher: this.afterConnect,
      messageLog: this.messageLog,
      presence: this.presence,
      sessions,
      limitStore,
      ...rest,
    });
  }

  /** Connects a new client, as `user` when given, and returns its id (throws if refused). */
  async connect(
    ns = '/',
    query: Record<string, string> = {},
    user?: { readonly id: string; readonly name: string },
  ): Promise<string> {
    const id = connectionId();
    const result = await this.server.handleConnect({
      connectionId: id,
      connectedAt: Date.now() - 60_000,
      headers: {},
      query: { ns, ...query },
      sourceIp: '127.0.0.1',
      userAgent: 'jest',
      authorizer: user === undefined ? undefined : { userId: user.id, name: user.name },
    });
    if (result.statusCode !== 200) throw new Error(`connect refused: ${result.statusCode}`);
    return id;
  }

  /** Sends a frame and returns the parsed route response, if any. */
  async send(id: string, action: string, data?: unknown, ack?: number): Promise<unknown> {
    const body = JSON.stringify({
      action,
      ...(data === undefined ? {} : { data }),
      ...(ack === undefined ? {} : { ack }),
    });
    return this.sendRaw(id, body);
  }

  async sendRaw(id: string, body: string | undefined): Promise<unknown> {
    const reply = await this.server.handleMessage({ connectionId: id, body });
    return reply === undefined ? undefined : JSON.parse(reply);
  }

  frames(id: string): unknown[] {
    return this.poster.framesFor(id);
  }
}
