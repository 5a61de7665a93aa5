import { ChatError } from '../core/errors';
import * as z from '../core/zod';

/** A room name: 1–128 characters of letters, digits and `_ - : . @ #`. */
export const RoomName = z.onFirstUse(() =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(128),
      z.regex(/^[\w\-:.@#]+$/, 'room names use letters, digits and _ - : . @ # only'),
    ),
);

/**
 * Parses event data, turning a validation failure into a `BAD_REQUEST` answer.
 *
 * @example
 * const { room } = parseData(z.object({ room: RoomName }), data, 'join');
 */
export function parseData<T>(schema: z.ZodMiniType<T>, data: unknown, event: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ChatError(
    'BAD_REQUEST',
    `Invalid data for "${event}" (${where}${issue?.message ?? 'invalid'})`,
  );
}
