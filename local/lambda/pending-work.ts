import { createHook, executionAsyncId } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { join, relative, sep } from 'node:path';

/**
 * Chains whose start gets a stack, per invocation. Capturing a stack costs microseconds, more
 * than a promise's own work: a handler posting to a room of 100 starts about 500 chains, and
 * locating each one doubled the CPU of every post. Past the budget, chains are counted, not
 * located, until an invocation leaves one of those unsettled: from the next invocation on, the
 * container locates every chain (the cost is paid where there is something to find).
 */
const LOCATED_CHAINS = 32;

/** Resource types of `process.getActiveResourcesInfo()` that are work left to run. */
const TIMER_TYPES = new Set(['Timeout', 'Immediate']);

interface UndiciRequest {
  readonly method?: string;
  readonly origin?: string;
  readonly path?: string;
}

/**
 * Watches, inside a container, the work a handler starts and does not finish: outgoing HTTP
 * requests (`http`/`https` and `fetch`, the AWS SDK's included) still in flight, timers or
 * immediates still keeping the event loop alive, and promises created during the invocation
 * and still unsettled (an un-awaited SDK call has not even sent its request when the handler
 * returns: it is a chain of promises). `pending()` describes them at the handler's return,
 * when Lambda freezes the environment.
 *
 * @example
 * const work = new PendingWork();
 * work.begin();
 * await handler(event, context);
 * work.pending(); // ['POST http://127.0.0.1:3001/local/@connections/abc%3D', '1 timer (setTimeout/setInterval)']
 */
export class PendingWork {
  private readonly requests = new Map<object, string>();
  /**
   * Unsettled promises of the invocation: where a chain's first promise was created (`null`
   * past the budget of located chains), or for a promise derived from another (`then`,
   * `await`), the id of that one.
   */
  private readonly promises = new Map<number, Error | number | null>();
  private chains = 0;
  /** Set once an invocation left unsettled chains it had not located. */
  private locateAll = false;
  private tracking = false;
  private timersAtStart = 0;

  constructor() {
    createHook({
      init: (asyncId, type, triggerAsyncId) => {
        if (!this.tracking || type !== 'PROMISE') return;
        if (triggerAsyncId !== executionAsyncId() && this.promises.has(triggerAsyncId)) {
          this.promises.set(asyncId, triggerAsyncId);
          return;
        }
        this.chains += 1;
        this.promises.set(
          asyncId,
          this.locateAll || this.chains <= LOCATED_CHAINS ? creationSite() : null,
        );
      },
      promiseResolve: (asyncId) => {
        this.promises.delete(asyncId);
      },
    }).enable();
    subscribe('http.client.request.start', (message) => {
      const { request } = message as { request: ClientRequest };
      this.requests.set(request, describeHttpRequest(request));
      request.once('close', () => this.requests.delete(request));
    });
    subscribe('undici:request:create', (message) => {
      const { request } = message as { request: UndiciRequest };
      this.requests.set(
        request,
        `${request.method ?? 'GET'} ${request.origin ?? ''}${request.path ?? ''}`,
      );
    });
    const settled = (message: unknown): void => {
      this.requests.delete((message as { request: object }).request);
    };
    subscribe('undici:request:trailers', settled);
    subscribe('undici:request:error', settled);
  }

  /** Marks the start of an invocation: timers alive now are not the handler's. */
  begin(): void {
    this.timersAtStart = countTimers();
    this.promises.clear();
    this.chains = 0;
    this.tracking = true;
  }

  /** Whether requests or timers the handler started are still running. */
  ioRunning(): boolean {
    return this.requests.size > 0 || countTimers() > this.timersAtStart;
  }

  /**
   * Where each unsettled promise's chain started (`null`: not located); a chain whose start
   * settled is left out.
   */
  private *creationSites(): Iterable<Error | null> {
    for (let entry of this.promises.values()) {
      while (typeof entry === 'number') {
        const parent = this.promises.get(entry);
        if (parent === undefined) break;
        entry = parent;
      }
      if (typeof entry !== 'number') yield entry;
    }
  }

  /** What is still running, one description per item; empty when nothing is. Ends tracking. */
  pending(): string[] {
    this.tracking = false;
    const items = [...this.requests.values()];
    const promises = describePromises(this.creationSites());
    items.push(...promises.described);
    if (promises.unlocated > 0) this.locateAll = true;
    const timers = countTimers() - this.timersAtStart;
    if (timers > 0)
      items.push(`${timers} timer${timers === 1 ? '' : 's'} (setTimeout/setInterval/setImmediate)`);
    return items;
  }
}

/** Stack frames of Node.js and of this runtime (its bundle in a container, or its sources), not the app's. */
const RUNTIME_PATHS = [
  'node:internal',
  `${__dirname}${sep}`,
  join(__dirname, '..', 'gateway', 'lambda-'),
];
const FRAME_LOCATION = /\(?([^()\s]+):(\d+):\d+\)?$/;

function isRuntimeFrame(frame: string): boolean {
  return RUNTIME_PATHS.some((path) => frame.includes(path));
}

function creationSite(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const site = new Error('promise created');
  Error.stackTraceLimit = limit;
  return site;
}

/**
 * Unsettled promises grouped by the first frame of the app that created them, e.g.
 * `2 unsettled promises created at lambdas/app/chat.ts:120 (an un-awaited async call?)`;
 * those created by Node.js, the runtime or `events.once`, or with no frame to tell where, are
 * left out. `unlocated` counts the chains past the budget.
 */
function describePromises(sites: Iterable<Error | null>): {
  readonly described: string[];
  readonly unlocated: number;
} {
  const counts = new Map<string, number>();
  let unlocated = 0;
  for (const site of sites) {
    if (site === null) {
      unlocated += 1;
      continue;
    }
    const frames = (site.stack ?? '').split('\n').slice(1);
    const located = frames.filter(
      (frame) => !isRuntimeFrame(frame) && FRAME_LOCATION.test(frame.trim()),
    );
    if (isWaitingOnly(frames, located[0])) continue;
    const own = located.find((frame) => !frame.includes('/node_modules/')) ?? located[0];
    const location = own?.trim().match(FRAME_LOCATION);
    // Promises chained inside a reaction carry no frame of their own: their chain's first one counts.
    if (!location) continue;
    const where = `${relative(process.cwd(), location[1] as string)}:${location[2]}`;
    counts.set(where, (counts.get(where) ?? 0) + 1);
  }
  const described = [...counts].map(
    ([where, count]) =>
      `${count} unsettled promise${count === 1 ? '' : 's'} created at ${where} (an un-awaited async call?)`,
  );
  if (unlocated > 0)
    described.push(
      `${unlocated} unsettled promise${unlocated === 1 ? '' : 's'} created after the first ${LOCATED_CHAINS} chains of the invocation, not located (an un-awaited async call?); this container locates every chain from its next invocation on`,
    );
  return { described, unlocated };
}

/** A combinator's reaction to one of its inputs (`Promise.race`, `all`…), as V8 names it. */
const COMBINATOR_FRAME = /at (Function|Promise)\.(race|all|any|allSettled) \(<anonymous>\)/;

/**
 * Whether a promise only waits, rather than being work: one of `events.once` (an event that
 * may never come) or a combinator's reaction to an input that lost a race. jose, for one,
 * races a response against a timeout and leaves the loser waiting. A request or a timer
 * behind such a promise is reported as such; an un-awaited combinator is reported at its own
 * call.
 */
function isWaitingOnly(frames: readonly string[], firstLocated: string | undefined): boolean {
  if (firstLocated?.includes('(node:events:')) return true;
  const end = firstLocated === undefined ? frames.length : frames.indexOf(firstLocated);
  return frames.slice(0, end).some((frame) => COMBINATOR_FRAME.test(frame));
}

function countTimers(): number {
  return process.getActiveResourcesInfo().filter((type) => TIMER_TYPES.has(type)).length;
}

function describeHttpRequest(request: ClientRequest): string {
  const host = request.host ?? request.getHeader('host') ?? '';
  return `${request.method} ${request.protocol}//${host}${request.path}`;
}
