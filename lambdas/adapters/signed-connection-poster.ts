import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ConnectionPoster, PostResult } from '../core/ports';
import { type RetryPolicy, withRetries } from '../core/retry';
import type { SocketId } from '../core/types';
import { ExecuteApiSigner, type SigningCredentials } from './execute-api-signer';
import { isRetryablePostError } from './management-api-poster';
import { escapeUri } from './sigv4-primitives';

/** Where and as whom to post; the retry policy, the agent and the timeout. */
export interface SignedConnectionPosterOptions {
  /** The `@connections` endpoint, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/prod`. */
  readonly endpoint: string;
  /** The API's region, or the SDK's provider of it (e.g. a client's `config.region`). */
  readonly region: string | (() => Promise<string>);
  /**
   * Credentials, or the SDK's provider of them (e.g. a client's `config.credentials`, which
   * caches them and refreshes them before they expire). The poster keeps what the provider
   * gives and asks again once they are within 5 minutes of their `expiration`, as the SDK's
   * own cache does; credentials without one (Lambda's, from its environment) are kept.
   */
  readonly credentials:
    | SigningCredentials
    | (() => Promise<SigningCredentials & { readonly expiration?: Date }>);
  /** Retries of throttled and failed posts. Default 3 retries, 50 ms base, 1 s cap, full jitter. */
  readonly retry?: RetryPolicy;
  /** Default: keep-alive, at most 128 sockets (above the fan-out's 64 posts in flight). */
  readonly agent?: HttpAgent;
  /** A post with no answer this long fails as `TimeoutError` (retried). Default 10 s. */
  readonly timeoutMs?: number;
}

/** Keep-alive sockets per poster: above the fan-out's posts in flight (64 by default). */
const MAX_SOCKETS = 128;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Credentials this close to their expiration are asked for again (the SDK's own margin). */
const CREDENTIALS_REFRESH_MS = 5 * 60_000;

/**
 * The error types of `@connections` by status, for an answer without `x-amzn-ErrorType`
 * (API Gateway always sends one; the SDK would name such an error by its status too).
 */
const ERROR_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BadRequestException',
  403: 'ForbiddenException',
  410: 'GoneException',
  413: 'PayloadTooLargeException',
  429: 'LimitExceededException',
};

/**
 * A failed `@connections` call, shaped as the SDK shapes its service errors: `name` is the
 * answer's `x-amzn-ErrorType` (`GoneException`, `PayloadTooLargeException`…) and
 * `$metadata.httpStatusCode` its status, so `isRetryablePostError` and callers judge it alike.
 */
export class ManagementApiError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };

  constructor(name: string, status: number, message: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

/**
 * `ConnectionPoster` that signs each PostToConnection itself (`ExecuteApiSigner`) and sends
 * it over a keep-alive `node:http(s)` agent: a request the management API accepts as it
 * accepts the SDK client's, for a fraction of its CPU (no middleware stack, no per-post
 * trace subsegment; see BENCHMARKS.md).
 * Its semantics are `ManagementApiPoster`'s: a `GoneException`, recognised by its name,
 * resolves `'gone'` at once; 429, 5xx and transient socket errors are retried with bounded,
 * jittered backoff; 400, 403 and 413 are rethrown at once.
 *
 * @example
 * const poster = new SignedConnectionPoster({
 *   endpoint: process.env.CALLBACK_URL ?? '',
 *   region: client.config.region,
 *   credentials: client.config.credentials,
 * });
 * if ((await poster.post(id, frame)) === 'gone') await adapter.removeGone([id]);
 */
export class SignedConnectionPoster implements ConnectionPoster {
  readonly #endpoint: URL;
  readonly #path: string;
  readonly #signer: Promise<ExecuteApiSigner>;
  #readySigner: ExecuteApiSigner | undefined;
  /** Method, host, port and agent of every request. */
  readonly #target: RequestOptions;
  readonly #credentials: () => Promise<SigningCredentials & { readonly expiration?: Date }>;
  /** The provider's last credentials, and until when (epoch ms) they are used without asking. */
  #cached: { readonly credentials: SigningCredentials; readonly until: number } | undefined;
  readonly #retry: RetryPolicy;
  readonly #agent: HttpAgent;
  readonly #timeoutMs: number;
  readonly #send: typeof httpRequest;

  constructor(options: SignedConnectionPosterOptions) {
    this.#endpoint = new URL(options.endpoint.replace(/\/+$/, ''));
    const secure = this.#endpoint.protocol === 'https:';
    this.#send = secure ? httpsRequest : httpRequest;
    this.#agent =
      options.agent ??
      (secure
        ? new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS })
        : new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }));
    this.#path = this.#endpoint.pathname.replace(/\/$/, '');
    const { region, credentials } = options;
    this.#signer = Promise.resolve(typeof region === 'string' ? region : region()).then(
      (name) => new ExecuteApiSigner(name),
    );
    this.#signer.catch(() => undefined); // surfaces at the first post
    this.#credentials =
      typeof credentials === 'function' ? credentials : () => Promise.resolve(credentials);
    this.#target = {
      method: 'POST',
      hostname: this.#endpoint.hostname,
      ...(this.#endpoint.port === '' ? {} : { port: Number(this.#endpoint.port) }),
      agent: this.#agent,
    };
    this.#retry = options.retry ?? {};
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async post(connectionId: SocketId, frame: string): Promise<PostResult> {
    try {
      await withRetries(
        () => this.#postOnce(connectionId, frame),
        isRetryablePostError,
        this.#retry,
      );
      return 'delivered';
    } catch (error) {
      if (error instanceof Error && error.name === 'GoneException') return 'gone';
      throw error;
    }
  }

  /**
   * One attempt. Once the signer and the credentials are at hand (every post but the first
   * few), it signs and sends without awaiting anything: a fan-out makes tens of thousands of
   * these, and every promise costs CPU, more so under the X-Ray SDK's context tracking.
   */
  #postOnce(connectionId: SocketId, frame: string): Promise<void> {
    const signer = this.#readySigner;
    const credentials = this.#cachedCredentials();
    if (signer === undefined || credentials === undefined)
      return this.#prepareThenPost(connectionId, frame);
    return this.#signAndSend(signer, credentials, connectionId, frame);
  }

  async #prepareThenPost(connectionId: SocketId, frame: string): Promise<void> {
    this.#readySigner ??= await this.#signer;
    let credentials = this.#cachedCredentials();
    if (credentials === undefined) {
      const fresh = await this.#credentials();
      const expiration = fresh.expiration?.getTime();
      this.#cached = {
        credentials: fresh,
        until: expiration === undefined ? Infinity : expiration - CREDENTIALS_REFRESH_MS,
      };
      credentials = fresh;
    }
    return this.#signAndSend(this.#readySigner, credentials, connectionId, frame);
  }

  #signAndSend(
    signer: ExecuteApiSigner,
    credentials: SigningCredentials,
    connectionId: SocketId,
    frame: string,
  ): Promise<void> {
    const body = Buffer.from(frame, 'utf8');
    const path = `${this.#path}/@connections/${escapeUri(connectionId)}`;
    const headers = signer.sign({ host: this.#endpoint.host, path, body }, credentials);
    headers['content-length'] = String(body.length);
    return this.#exchange(path, headers, body);
  }

  #cachedCredentials(): SigningCredentials | undefined {
    const cached = this.#cached;
    return cached !== undefined && Date.now() < cached.until ? cached.credentials : undefined;
  }

  /** Sends one request; resolves on a 2xx, else rejects with the error the answer names. */
  #exchange(path: string, headers: Record<string, string>, body: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = this.#send({ ...this.#target, path, headers }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          res.on('end', resolve);
          res.resume();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          reject(
            managementApiError({
              status,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          ),
        );
        res.on('error', reject);
      });
      req.setTimeout(this.#timeoutMs, () =>
        req.destroy(
          new ManagementApiError('TimeoutError', 0, `No answer within ${this.#timeoutMs} ms`),
        ),
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** A non-2xx answer of `@connections`. */
interface FailedAnswer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

function managementApiError(response: FailedAnswer): ManagementApiError {
  const header = response.headers['x-amzn-errortype'];
  const typed = (Array.isArray(header) ? header[0] : header)?.split(':')[0];
  const name =
    typed ||
    ERROR_TYPE_BY_STATUS[response.status] ||
    (response.status >= 500 ? 'InternalServerErrorException' : 'UnknownError');
  return new ManagementApiError(name, response.status, messageOf(response.body, response.status));
}

function messageOf(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // not JSON: the status says it
  }
  return `@connections answered ${status}`;
}
