/**
 * Zod for the Lambda code: the tree-shakable `zod/mini` API with the English error messages.
 * Import it as a namespace (`import * as z from '../core/zod'`) so bundles keep only what they use.
 */
import { config, type core, lazy, type ZodMiniLazy } from 'zod/mini';
import * as locales from 'zod/v4/locales';

config(locales.en());

export * from 'zod/mini';

/**
 * A schema built when it first parses rather than when its module loads. Every function's
 * bundle holds the schemas of every route, event and payload, and each function parses a
 * few of them; in a fresh process building one costs tens of microseconds (zod's
 * constructors run cold), so the schemas a function never uses would add milliseconds to
 * each cold start. The schema parses, composes and infers as the one `build` returns.
 *
 * @example
 * export const RoomData = onFirstUse(() => z.object({ room: z.string() }));
 * RoomData.parse({ room: 'lobby' }); // builds the object schema, then parses
 */
export function onFirstUse<T extends core.SomeType>(build: () => T): ZodMiniLazy<T> {
  return lazy(build);
}
