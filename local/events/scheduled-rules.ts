import { randomUUID } from 'node:crypto';
import type { HostedFunction } from '../gateway/lambda-runner';
import type { GatewayLogger } from '../gateway/logger';
import type { TemplateSchedule } from '../template/read-api-template';

/** Running schedules; `stop()` ends them. */
export interface ScheduledRules {
  stop(): void;
}

export interface ScheduledRulesOptions {
  readonly region: string;
  readonly accountId: string;
  readonly logger: GatewayLogger;
  /** Every rule's rate, instead of the template's (tests tick faster than EventBridge's minute). */
  readonly rateMs?: number;
}

/**
 * Ticks that may wait for a rule's running invocation; past it the oldest waiting tick is
 * dropped (and logged).
 */
export const MAX_WAITING_TICKS = 4;

/**
 * EventBridge's scheduled rules, emulated: each rule invokes its function at its rate,
 * asynchronously as EventBridge does, with the event EventBridge sends (`source`
 * `aws.events`, `detail-type` `Scheduled Event`, `time` to the second). Ticks fall on whole
 * multiples of the rate and `time` is the tick's own, not the moment a busy machine got to it,
 * so a function that picks work by `time` (the heartbeat's slots) sees every tick once, in
 * order. A failed invocation is logged. Unlike EventBridge, a tick that comes while the rule's
 * last invocation still runs waits for it (up to `MAX_WAITING_TICKS`): on a machine of a few
 * cores, overlapping ticks would start container after container and starve everything else.
 *
 * @example
 * const rules = startScheduledRules(api.schedules, { HeartbeatFunction: pool }, { region, accountId, logger });
 * rules.stop();
 */
export function startScheduledRules(
  schedules: readonly TemplateSchedule[],
  functions: Readonly<Record<string, HostedFunction>>,
  options: ScheduledRulesOptions,
): ScheduledRules {
  const rules = schedules.flatMap((schedule) => {
    const fn = functions[schedule.functionName];
    return fn === undefined ? [] : [new ScheduledRule(schedule, fn, options)];
  });
  return {
    stop() {
      for (const rule of rules) rule.stop();
    },
  };
}

/** One rule: a timer on the rate's multiples and the ticks waiting for the function. */
class ScheduledRule {
  private readonly rateMs: number;
  private readonly waiting: number[] = [];
  private nextTick: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly schedule: TemplateSchedule,
    private readonly fn: HostedFunction,
    private readonly options: ScheduledRulesOptions,
  ) {
    this.rateMs = options.rateMs ?? schedule.rateMs;
    this.nextTick = (Math.floor(Date.now() / this.rateMs) + 1) * this.rateMs;
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.length = 0;
  }

  private arm(): void {
    this.timer = setTimeout(() => this.fire(), Math.max(0, this.nextTick - Date.now()));
    this.timer.unref();
  }

  /** Queues every tick that is due (a late timer may owe several), then runs the oldest. */
  private fire(): void {
    const now = Date.now();
    while (this.nextTick <= now) {
      this.waiting.push(this.nextTick);
      this.nextTick += this.rateMs;
    }
    while (this.waiting.length > MAX_WAITING_TICKS) {
      const dropped = this.waiting.shift() as number;
      this.options.logger.info(
        `schedule ${this.schedule.ruleLogicalId}: tick of ${eventTime(dropped)} dropped, ${this.schedule.functionName} still runs earlier ones`,
      );
    }
    this.arm();
    this.runNext();
  }

  private runNext(): void {
    const tick = this.running ? undefined : this.waiting.shift();
    if (tick === undefined) return;
    this.running = true;
    const { ruleLogicalId, functionName } = this.schedule;
    void this.fn
      .invoke(scheduledEvent(ruleLogicalId, tick, this.options))
      .then(
        (outcome) => {
          if (outcome.kind !== 'result')
            this.options.logger.error(
              `schedule ${ruleLogicalId}: ${functionName} failed (${outcome.kind})`,
            );
        },
        (error: unknown) =>
          this.options.logger.error(`schedule ${ruleLogicalId}: ${String(error)}`),
      )
      .finally(() => {
        this.running = false;
        this.runNext();
      });
  }
}

/** EventBridge's `time`: to the second. */
function eventTime(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The event EventBridge sends a rule's target for the tick at `at` (epoch ms). */
function scheduledEvent(ruleName: string, at: number, options: ScheduledRulesOptions) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: options.accountId,
    time: eventTime(at),
    region: options.region,
    resources: [`arn:aws:events:${options.region}:${options.accountId}:rule/${ruleName}`],
    detail: {},
  };
}
