import type { Context } from 'aws-lambda';
import type * as z from '../core/zod';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';

/** What one Lambda handler of the chat does with its event. */
export interface ChatHandlerDefinition<Event, Result> {
  /** Validates the event. */
  readonly event: z.ZodMiniType<Event>;
  /** Logged (as an error, with the validation issues) for an invalid event. */
  readonly invalidMessage: string;
  /** The result of an invalid event. */
  readonly invalid: (runtime: ChatRuntime) => Result;
  /** Handles a valid event; `context` is Lambda's, when the caller passed one. */
  readonly handle: (event: Event, runtime: ChatRuntime, context?: Context) => Promise<Result>;
}

/**
 * A Lambda handler on the chat runtime (built on first use): the Lambda context goes into
 * every log line, the event is validated (an invalid one is logged and answered with
 * `invalid`), and the metrics are published when the invocation ends, even on errors.
 *
 * @example
 * export const handler = chatHandler({ event: DisconnectEvent, invalidMessage: 'Invalid $disconnect event', invalid: () => ({ statusCode: 400 }), handle });
 */
export function chatHandler<Event, Result>(
  definition: ChatHandlerDefinition<Event, Result>,
  runtime: () => ChatRuntime = defaultChatRuntime,
): (event: unknown, context?: Context) => Promise<Result> {
  return async (event, context) => {
    const chat = runtime();
    if (context) chat.logger.addContext(context);
    try {
      const parsed = definition.event.safeParse(event);
      if (!parsed.success) {
        chat.logger.error(definition.invalidMessage, { issues: parsed.error.issues });
        return definition.invalid(chat);
      }
      return await definition.handle(parsed.data, chat, context);
    } finally {
      chat.metrics.publish();
    }
  };
}

/**
 * When the invocation must have returned, from Lambda's context: bounds what the core waits
 * for (clients' acks). Undefined without a context (the core then assumes 10 s).
 *
 * @example
 * server.handleMessage({ connectionId, body, deadline: deadlineOf(context) });
 */
export function deadlineOf(context: Context | undefined): number | undefined {
  return context ? Date.now() + context.getRemainingTimeInMillis() : undefined;
}
