import { traceInvocation } from '../adapters/trace-invocation';
import * as z from '../core/zod';
import { chatHandler } from './chat-handler';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';

/**
 * EventBridge's scheduled event: `time` is when the schedule fired, which picks the slot.
 *
 * @example
 * ScheduledEvent.parse({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-12-04T06:03:00Z' });
 */
export const ScheduledEvent = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z
    .string()
    .check(z.refine((time) => !Number.isNaN(Date.parse(time)), 'time: an ISO 8601 date and time')),
});
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;

/**
 * The Socket.IO heartbeat, run by a schedule every minute: pings the connections of the slot
 * due at the event's `time` (see `Server.heartbeat`). Traced, and its metrics (`Pings`)
 * published, even on errors. An error fails the invocation, for the stack's alarm.
 *
 * @example
 * await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-12-04T06:03:00Z' });
 */
export function createHeartbeatHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return chatHandler<ScheduledEvent, void>(
    {
      event: ScheduledEvent,
      invalidMessage: 'Invalid scheduled event',
      invalid: () => undefined,
      handle: async ({ time }, { server, tracer }) => {
        await traceInvocation(tracer, 'heartbeat', {}, () => server.heartbeat(Date.parse(time)));
      },
    },
    runtime,
  );
}

export const handler = createHeartbeatHandler();
