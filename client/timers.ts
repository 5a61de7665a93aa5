/** An opaque timer handle: a number in browsers, an object in Node. */
export type TimerHandle = unknown;

/** The timer functions the client uses; inject fakes to drive time in tests. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The platform's timers (`globalThis.setTimeout`), looked up at call time so fake timers apply. */
export const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) =>
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};
