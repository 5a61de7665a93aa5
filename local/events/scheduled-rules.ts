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
 * EventBridge's scheduled rules, emulated: each rule invokes its function at its rate,
 * asynchronously as EventBridge does, with the event EventBridge sends (`source`
 * `aws.events`, `detail-type` `Scheduled Event`, `time` to the second). A failed invocation is
 * logged. Unlike EventBridge, a tick that comes while the rule's last invocation still runs is
 * skipped (and logged): on a machine of a few cores, overlapping ticks would start container
 * after container and starve everything else.
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
  const timers = schedules.flatMap((schedule) => {
    const fn = functions[schedule.functionName];
    if (fn === undefined) return [];
    let running = false;
    const tick = () => {
      if (running) {
        options.logger.info(
          `schedule ${schedule.ruleLogicalId}: tick skipped, ${schedule.functionName} still runs the last one`,
        );
        return;
      }
      running = true;
      const event = scheduledEvent(schedule.ruleLogicalId, options);
      void fn
        .invoke(event)
        .finally(() => {
          running = false;
        })
        .then(
          (outcome) => {
            if (outcome.kind !== 'result')
              options.logger.error(
                `schedule ${schedule.ruleLogicalId}: ${schedule.functionName} failed (${outcome.kind})`,
              );
          },
          (error: unknown) =>
            options.logger.error(`schedule ${schedule.ruleLogicalId}: ${String(error)}`),
        );
    };
    const timer = setInterval(tick, options.rateMs ?? schedule.rateMs);
    timer.unref();
    return [timer];
  });
  return {
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}

/** The event EventBridge sends a rule's target. */
function scheduledEvent(ruleName: string, options: ScheduledRulesOptions) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: options.accountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: options.region,
    resources: [`arn:aws:events:${options.region}:${options.accountId}:rule/${ruleName}`],
    detail: {},
  };
}
