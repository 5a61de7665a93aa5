import { ROUTE_SELECTION_EXPRESSION, ROUTES, type RouteDefinition } from '../../../definitions/api';
import {
  createRouteSelector,
  parseSelectionExpression,
} from '../../../local/gateway/route-selection';

const mock = (routeKey: string): RouteDefinition => ({
  routeKey,
  integration: { type: 'mock', responseBody: routeKey },
  returnResponse: true,
});

describe('Function: createRouteSelector', () => {
  const select = createRouteSelector(
    [
      mock('$connect'),
      mock('$disconnect'),
      mock('$default'),
      mock('join'),
      mock('7'),
      mock('false'),
      mock('null'),
      mock('["join",1]'),
      mock('{"kind":"join"}'),
    ],
    '$request.body.action',
  );

  it.each([
    ['{"action":"join"}', 'join'],
    ['{"action":7}', '7'],
    ['{"action":false}', 'false'],
    ['{"action":"leave"}', '$default'],
    ['{"other":"join"}', '$default'],
    ['{"action":null}', 'null'],
    ['{"action": [ "join", 1 ]}', '["join",1]'],
    ['{"action":{ "kind": "join" }}', '{"kind":"join"}'],
    ['{"action":["join"]}', '$default'],
    ['{"action":{}}', '$default'],
    ['{"action":1.50}', '$default'],
    ['["join"]', '$default'],
    ['join', '$default'],
    ['', '$default'],
    ['{"action":"$connect"}', '$default'],
    ['{"action":"$disconnect"}', '$default'],
  ])('%s → %s', (body, routeKey) => {
    expect(select(body)?.routeKey).toBe(routeKey);
  });

  it('selects nothing without a $default route', () => {
    const withoutDefault = createRouteSelector([mock('join')], '$request.body.action');

    expect(withoutDefault('{"action":"join"}')?.routeKey).toBe('join');
    expect(withoutDefault('{"action":"other"}')).toBeUndefined();
    expect(withoutDefault('not json')).toBeUndefined();
  });

  it('follows nested paths', () => {
    const nested = createRouteSelector([mock('x')], '$request.body.meta.kind');

    expect(nested('{"meta":{"kind":"x"}}')?.routeKey).toBe('x');
  });

  it("routes the project's ping to the MOCK route and everything else to $default", () => {
    const project = createRouteSelector(ROUTES, ROUTE_SELECTION_EXPRESSION);

    expect(project('{"action":"ping"}')?.integration).toEqual({
      type: 'mock',
      responseBody: '{"event":"pong"}',
    });
    expect(project('{"event":"message"}')?.routeKey).toBe('$default');
  });
});

describe('Function: parseSelectionExpression', () => {
  it('returns the body path', () => {
    expect(parseSelectionExpression('$request.body.action')).toEqual(['action']);
  });

  it.each(['$request.header.action', '$request.body.', 'action', '$request.body.a..b'])(
    'rejects %s',
    (expression) => {
      expect(() => parseSelectionExpression(expression)).toThrow(
        'Unsupported route selection expression',
      );
    },
  );
});
