import { ScheduledEvent } from '../../../lambdas/handlers/heartbeat';

const EVENT = { source: 'aws.events', 'detail-type': 'Scheduled Event' };

describe('ScheduledEvent (the heartbeat schedule)', () => {
  it("reads EventBridge's time", () => {
    // Act
    const event = ScheduledEvent.parse({ ...EVENT, time: '2026-12-04T06:03:00Z' });

    // Assess
    expect(Date.parse(event.time)).toBe(Date.UTC(2026, 11, 4, 6, 3));
  });

  it.each(['yesterday', '', 'T06:03'])('refuses the time %j', (time) => {
    // Act
    const result = ScheduledEvent.safeParse({ ...EVENT, time });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('time: an ISO 8601 date and time');
  });

  it('refuses an event of another source', () => {
    expect(
      ScheduledEvent.safeParse({ ...EVENT, source: 'aws.s3', time: '2026-12-04T06:03:00Z' })
        .success,
    ).toBe(false);
  });
});
