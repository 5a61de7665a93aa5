import {
  ConnectionTimers,
  type ExpiredLimit,
} from '../../../../local/gateway/limits/connection-timers';

describe('Class: ConnectionTimers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const start = (idleTimeoutMs: number, maxDurationMs: number) => {
    const expired: ExpiredLimit[] = [];
    const timers = new ConnectionTimers({
      idleTimeoutMs,
      maxDurationMs,
      onExpire: (limit) => expired.push(limit),
    });
    return { timers, expired };
  };

  it('expires after the idle timeout without traffic', () => {
    const { expired } = start(1_000, 10_000);

    jest.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(expired).toEqual(['idle']);
  });

  it('restarts the idle timeout on touch', () => {
    const { timers, expired } = start(1_000, 10_000);

    jest.advanceTimersByTime(800);
    timers.touch();
    jest.advanceTimersByTime(800);

    expect(expired).toEqual([]);
    jest.advanceTimersByTime(200);
    expect(expired).toEqual(['idle']);
  });

  it('expires at the maximum duration whatever the traffic, once', () => {
    const { timers, expired } = start(1_000, 3_000);

    for (let elapsed = 0; elapsed < 5_000; elapsed += 500) {
      timers.touch();
      jest.advanceTimersByTime(500);
    }

    expect(expired).toEqual(['duration']);
  });

  it('never expires once stopped', () => {
    const { timers, expired } = start(1_000, 3_000);

    timers.stop();
    timers.touch();
    jest.advanceTimersByTime(10_000);

    expect(expired).toEqual([]);
  });
});
