import { MAX_WAITING_TICKS, startScheduledRules } from '../../../local/events/scheduled-rules';
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
    // Prepare: a quarter second past a whole second, so 2.5 s hold ticks at 1 s and 2 s.
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 4, 6, 3, 0, 250) });
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

  it('stamps each tick with its own time, in order, when the timer comes late', async () => {
    // Prepare: ticks on whole seconds; the machine stalls 2.3 s before the first one.
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 4, 6, 3, 0, 250) });
    const { fn, events } = recordingFunction();
    const { rules, infos } = startHeartbeatRule(fn, 1_000);

    // Act: the clock jumps; the timer due at 06:03:01 fires at 06:03:03.3.
    jest.setSystemTime(Date.UTC(2026, 11, 4, 6, 3, 2, 550));
    await jest.advanceTimersByTimeAsync(750);
    rules.stop();

    // Assess: the ticks the stall held back, each once, with the time it was due.
    expect(events.map((event) => (event as { time: string }).time)).toEqual([
      '2026-12-04T06:03:01Z',
      '2026-12-04T06:03:02Z',
      '2026-12-04T06:03:03Z',
    ]);
    expect(infos).toEqual([]);
  });

  it('runs a tick that comes while the last invocation still runs after it, and drops the oldest past MAX_WAITING_TICKS', async () => {
    // Prepare: an invocation that takes 2.5 ticks.
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 4, 6, 3, 0, 0) });
    const times: string[] = [];
    const fn: HostedFunction = {
      invoke: async (event) => {
        times.push((event as { time: string }).time);
        await new Promise((done) => setTimeout(done, 2_500));
        return { kind: 'result', value: undefined };
      },
      close: async () => undefined,
    };
    const { rules, infos } = startHeartbeatRule(fn, 1_000);

    // Act: ticks every second; invocations run 1-3.5, 3.5-6, 6-8.5, 8.5-11 s.
    await jest.advanceTimersByTimeAsync(4_100);
    const byFourSeconds = [...times];
    await jest.advanceTimersByTimeAsync(5_000);
    rules.stop();
    await jest.advanceTimersByTimeAsync(10_000);

    // Assess: never two at once; at 8 s ticks 4 to 8 wait, one too many: tick 4 goes.
    expect(byFourSeconds).toEqual(['2026-12-04T06:03:01Z', '2026-12-04T06:03:02Z']);
    expect(MAX_WAITING_TICKS).toBe(4);
    expect(times).toEqual([
      '2026-12-04T06:03:01Z',
      '2026-12-04T06:03:02Z',
      '2026-12-04T06:03:03Z',
      '2026-12-04T06:03:05Z',
    ]);
    expect(infos).toEqual([
      'schedule HeartbeatSchedule: tick of 2026-12-04T06:03:04Z dropped, Heartbeat still runs earlier ones',
    ]);
  });
});
