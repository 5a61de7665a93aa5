import { DEFAULT_ASSUMPTIONS } from '../../../bench/cost/model-assumptions';
import { jsonConnectionHour, socketIoConnectionHour } from '../../../bench/socketio/heartbeat-cost';
import { DEFAULT_HEARTBEAT } from '../../../lambdas/core/heartbeat-settings';

/** The message function's memory fixed, so the hand computation holds. */
const ASSUMPTIONS = { ...DEFAULT_ASSUMPTIONS, lambdaMemoryMb: 512 };

describe('heartbeat cost per connection-hour', () => {
  it('prices a Socket.IO connection-hour at the default heartbeat as computed by hand', () => {
    // Act
    const hour = socketIoConnectionHour(DEFAULT_HEARTBEAT, ASSUMPTIONS);

    // Assess: 15 pings (one per 240 s), each a post out and a pong in through $default.
    const byItem = Object.fromEntries(hour.lines.map((line) => [line.item.split(':')[0], line]));
    expect(byItem['API Gateway connection minutes']?.dollars).toBeCloseTo(60 * 0.25e-6, 12);
    expect(byItem['API Gateway messages']?.quantity).toBe(30);
    expect(byItem['API Gateway messages']?.dollars).toBeCloseTo(30e-6, 12);
    expect(byItem['Lambda requests']?.dollars).toBeCloseTo(15 * 0.2e-6, 12);
    // 15 × 20 ms × 0.5 GB (the message function's 512 MB) = 0.15 GB-s.
    expect(byItem['Lambda duration']?.quantity).toBeCloseTo(0.15, 12);
    expect(byItem['Lambda duration']?.dollars).toBeCloseTo(0.15 * 0.0000133334, 12);
    // 15 × (250 + 350 + 500) bytes.
    expect(byItem['CloudWatch Logs']?.quantity).toBeCloseTo((15 * 1100) / 1024 ** 3, 15);
    expect(byItem['X-Ray']?.dollars).toBeCloseTo(15 * 0.05 * 5e-6, 12);
    expect(hour.dollars).toBeCloseTo(
      hour.lines.reduce((sum, line) => sum + line.dollars, 0),
      15,
    );
    expect(hour.dollars).toBeCloseTo(
      15e-6 + 30e-6 + 3e-6 + 0.15 * 0.0000133334 + ((15 * 1100) / 1024 ** 3) * 0.5 + 3.75e-6,
      12,
    );
  });

  it('costs more with a shorter interval: twice the pings, twice their share', () => {
    // Act
    const base = socketIoConnectionHour(DEFAULT_HEARTBEAT, DEFAULT_ASSUMPTIONS);
    const often = socketIoConnectionHour(
      { ...DEFAULT_HEARTBEAT, pingIntervalMs: 120_000 },
      DEFAULT_ASSUMPTIONS,
    );

    // Assess
    const minutes = 60 * 0.25e-6;
    expect(often.dollars - minutes).toBeCloseTo(2 * (base.dollars - minutes), 12);
  });

  it('prices a JSON-protocol connection-hour: 12 MOCK pings, no Lambda', () => {
    // Act
    const hour = jsonConnectionHour(DEFAULT_ASSUMPTIONS);

    // Assess
    expect(hour.lines.map((line) => line.item)).toHaveLength(3);
    expect(hour.dollars).toBeCloseTo(60 * 0.25e-6 + 24e-6 + ((12 * 250) / 1024 ** 3) * 0.5, 12);
  });
});
