type Handler = (...args: never[]) => unknown;

interface Registration {
  readonly handler: Handler;
  readonly once: boolean;
}

/**
 * A minimal event emitter without Node's `events` module, so the client runs in browsers.
 * A handler that throws does not break the emitting code: the error is rethrown in a
 * microtask, where the platform reports it as uncaught.
 *
 * @example
 * const emitter = new Emitter();
 * emitter.on('connect', () => console.log('connected'));
 * emitter.emit('connect');
 */
export class Emitter {
  private readonly registrations = new Map<string, Registration[]>();

  on(event: string, handler: Handler): void {
    this.add(event, { handler, once: false });
  }

  once(event: string, handler: Handler): void {
    this.add(event, { handler, once: true });
  }

  /** Removes `handler` (every registration of it), or every handler of `event` without one. */
  off(event: string, handler?: Handler): void {
    if (!handler) {
      this.registrations.delete(event);
      return;
    }
    const kept = (this.registrations.get(event) ?? []).filter((r) => r.handler !== handler);
    if (kept.length > 0) this.registrations.set(event, kept);
    else this.registrations.delete(event);
  }

  /** Calls the handlers of `event` in registration order; false when there were none. */
  emit(event: string, ...args: unknown[]): boolean {
    const registrations = this.registrations.get(event);
    if (!registrations || registrations.length === 0) return false;
    for (const registration of [...registrations]) {
      if (registration.once) this.remove(event, registration);
      try {
        (registration.handler as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }

  listenerCount(event: string): number {
    return this.registrations.get(event)?.length ?? 0;
  }

  private add(event: string, registration: Registration): void {
    const registrations = this.registrations.get(event) ?? [];
    registrations.push(registration);
    this.registrations.set(event, registrations);
  }

  private remove(event: string, registration: Registration): void {
    const kept = (this.registrations.get(event) ?? []).filter((r) => r !== registration);
    if (kept.length > 0) this.registrations.set(event, kept);
    else this.registrations.delete(event);
  }
}
