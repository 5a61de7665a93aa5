import { startScheduledRules } from '../../../local/events/scheduled-rules';
import type { HostedFunction, InvocationOutcome } from '../../../local/gateway/lambda-runner';

/** A function that records the events it is invoked with. */
function recordingFunction(outcome: InvocationOutcome = { kind: 'result', value: undefined }) {
  const events: unknown[] = [];
  const fn: HostedFunction = {
    invoke: async (event) => {
      events.push(event);
      return outcome;
    },
    close: async () => undefined,
  };
  return { fn, events };
}

/**
 * The heartbeat's rule at `ruleRateMs`, invoking `fn`, with what it logs; `rateMs` overrides
 * the rule's rate as a test's runtime does.
 */
function startHeartbeatRule(fn: HostedFunction, ruleRateMs: number, rateMs?: number) {
  const infos: string[] = [];
  const errors: string[] = [];
  const rules = startScheduledRules(
    [{ ruleLogicalId: 'HeartbeatSchedule', functionName: 'Heartbeat', rateMs: ruleRateMs }],
    { Heartbeat: fn },
    {
      region: 'us-east-1',
      accountId: '123456789012',
      logger: { info: (m) => infos.push(m), error: (m) => errors.push(m) },
      ...(rateMs === undefined ? {} : { rateMs }),
    },
  );
  return { rules, infos, errors };
}

describe('startScheduledRules', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("invokes each rule's function at its rate with EventBridge's scheduled event", async () => {
    // Prepare
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 4, 6, 3, 0, 250) });
    const { fn, events } = recordingFunction();
    const { rules, errors } = startHeartbeatRule(fn, 60_000);

    // Act
    await jest.advanceTimersByTimeAsync(3 * 60_000);
    rules.stop();
    await jest.advanceTimersByTimeAsync(3 * 60_000);

    // Assess
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      region: 'us-east-1',
      time: '2026-12-04T06:04:00Z',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/HeartbeatSchedule'],
      detail: {},
    });
    expect(errors).toEqual([]);
  });

  it('ticks at the rate it is given instead, and logs a failed invocation', async () => {
    // Prepare
    jest.useFakeTimers();
    const { fn, events } = recordingFunction({ kind: 'error', error: new Error('boom') });
    const { rules, errors } = startHeartbeatRule(fn, 60_000, 1_000);

    // Act
    await jest.advanceTimersByTimeAsync(2_500);
    rules.stop();

    // Assess
    expect(events).toHaveLength(2);
    expect(errors).toEqual([
      'schedule HeartbeatSchedule: Heartbeat failed (error)',
      'schedule HeartbeatSchedule: Heartbeat failed (error)',
    ]);
  });

  it('skips a tick while the last invocation still runs, and says so', async () => {
    // Prepare: an invocation that takes 2.5 ticks.
    jest.useFakeTimers();
    const events: unknown[] = [];
    const fn: HostedFunction = {
      invoke: async (event) => {
        events.push(event);
        await new Promise((done) => setTimeout(done, 2_500));
        return { kind: 'result', value: undefined };
      },
      close: async () => undefined,
    };
    const { rules, infos } = startHeartbeatRule(fn, 1_000);

    // Act: ticks at 1, 2, 3, 4 s; the first invocation runs until 3.5 s.
    await jest.advanceTimersByTimeAsync(4_100);
    rules.stop();

    // Assess
    expect(events).toHaveLength(2);
    expect(infos).toEqual([
      'schedule HeartbeatSchedule: tick skipped, Heartbeat still runs the last one',
      'schedule HeartbeatSchedule: tick skipped, Heartbeat still runs the last one',
    ]);
  });
});
