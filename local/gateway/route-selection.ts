import type { RouteDefinition } from '../../definitions/api';

const BODY_PREFIX = '$request.body.';
/** Route keys a message can never select. */
const LIFECYCLE_ROUTE_KEYS = new Set(['$connect', '$disconnect']);

/** Picks the route of one message body; `undefined` means no route (the client gets "Forbidden"). */
export type RouteSelector = (body: string) => RouteDefinition | undefined;

/**
 * Builds API Gateway's route selection for a `$request.body.<path>` expression: the value at
 * that path of a JSON body, as a string, picks the route key (strings as they are, any other
 * JSON value, null, arrays and objects included, as compact JSON); a body that is not JSON,
 * lacks the key, or names no route goes to `$default`; `$connect`/`$disconnect` are never
 * picked.
 *
 * @example
 * const select = createRouteSelector(ROUTES, '$request.body.action');
 * select('{"action":"ping"}')?.routeKey; // 'ping'
 * select('{"action":["a",1]}')?.routeKey; // the route '["a",1]', else '$default'
 * select('hello')?.routeKey; // '$default'
 */
export function createRouteSelector(
  routes: readonly RouteDefinition[],
  expression: string,
): RouteSelector {
  const path = parseSelectionExpression(expression);
  const byKey = new Map(
    routes
      .filter((route) => !LIFECYCLE_ROUTE_KEYS.has(route.routeKey))
      .map((route) => [route.routeKey, route]),
  );
  const fallback = byKey.get('$default');
  return (body) => {
    const key = routeKeyOf(body, path);
    return (key === undefined ? undefined : byKey.get(key)) ?? fallback;
  };
}

/**
 * The property path of a `$request.body.…` expression.
 *
 * @example
 * parseSelectionExpression('$request.body.action'); // ['action']
 */
export function parseSelectionExpression(expression: string): readonly string[] {
  const path = expression.startsWith(BODY_PREFIX)
    ? expression.slice(BODY_PREFIX.length).split('.')
    : [];
  if (path.length === 0 || path.some((segment) => segment === '')) {
    throw new Error(`Unsupported route selection expression: ${expression}`);
  }
  return path;
}

function routeKeyOf(body: string, path: readonly string[]): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
