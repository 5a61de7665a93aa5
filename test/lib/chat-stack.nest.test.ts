import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ENTRY_METADATA_KEY } from '../../definitions/api';
import { ChatStack } from '../../lib/chat-stack';
import { MAX_EVENT_ROUTES } from '../../lib/nest-gateway-module';
import { InvalidContextError } from '../../lib/stack-config';
import { MANY_EVENTS } from '../fixtures/nest-routes/modules';
import { functionIds, resourcesOf } from './template-helpers';

const ROOT = resolve(__dirname, '..', '..');
const SEEDS = 'test/fixtures/nest-seeds/seeds.module.ts#SeedsModule';
const ROUTES_FIXTURE = join(ROOT, 'test/fixtures/nest-routes/modules.ts');

/** The chat stack with `context` over cdk.json's defaults, without bundling any function. */
function synth(
  context: Record<string, unknown>,
  props: ConstructorParameters<typeof ChatStack>[2] = {},
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new ChatStack(app, 'Nest', props);
  return { stack, template: Template.fromStack(stack) };
}

const routeKeys = (template: Template) =>
  Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'))
    .map((route) => route.Properties.RouteKey as string)
    .sort();

/** ChatStack's `nest` option and `nestModule` context key (the example's test: test/examples). */
describe('ChatStack with a Nest module', () => {
  it("-c nestModule=<file>#<Export> routes the module's events and runs generated entries on createNestGatewayHandlers", () => {
    // Act
    const { template } = synth({ nestModule: SEEDS });

    // Assess
    expect(routeKeys(template)).toEqual(
      [
        '$connect',
        '$default',
        '$disconnect',
        'broadCasting',
        'chat',
        'joinClub',
        'ping',
        'uniCast',
      ].sort(),
    );
    const ids = functionIds(template);
    const functions = resourcesOf(template, 'AWS::Lambda::Function') as unknown as Record<
      string,
      { Metadata: Record<string, string> }
    >;
    const entryOf = (name: keyof typeof ids) => functions[ids[name]]?.Metadata[ENTRY_METADATA_KEY];
    for (const name of ['connect', 'disconnect', 'message'] as const) {
      expect(entryOf(name)).toMatch(
        new RegExp(`^node_modules/\\.cache/apigw-chat/nest/SeedsModule-[0-9a-f]{16}/${name}\\.ts$`),
      );
    }
    expect(entryOf('worker')).toBe('lambdas/handlers/worker.ts');
  });

  it('writes entries that import the module and export its handler', () => {
    // Act
    const { stack } = synth({ nestModule: SEEDS });

    // Assess
    const source = readFileSync(stack.nestGateways?.entries.message ?? '', 'utf8');
    expect(source).toContain(
      "import { SeedsModule } from '../../../../../test/fixtures/nest-seeds/seeds.module';",
    );
    expect(source).toContain(
      'export const handler = createNestGatewayHandlers(SeedsModule).message;',
    );
  });

  it('refuses a nestModule that is not <file>#<ExportName>', () => {
    expect(() => synth({ nestModule: 'seeds.module.ts' })).toThrow(InvalidContextError);
  });

  it('says which export is missing', () => {
    expect(() => synth({}, { nest: { file: ROUTES_FIXTURE, exportName: 'Missing' } })).toThrow(
      /modules\.ts exports no class named Missing/,
    );
  });

  it('refuses a module without gateways', () => {
    expect(() =>
      synth({}, { nest: { file: ROUTES_FIXTURE, exportName: 'NoGatewaysModule' } }),
    ).toThrow(/NoGatewaysModule .* declares no @WebSocketGateway/);
  });

  it("refuses an event named like one of the stack's own routes", () => {
    expect(() => synth({}, { nest: { file: ROUTES_FIXTURE, exportName: 'PingModule' } })).toThrow(
      /"ping" is a route key the stack keeps/,
    );
  });

  it(`routes the first ${MAX_EVENT_ROUTES} events of a module with more, and warns`, () => {
    // Act
    const { stack, template } = synth(
      {},
      { nest: { file: ROUTES_FIXTURE, exportName: 'ManyEventsModule' } },
    );

    // Assess
    const events = routeKeys(template).filter((key) => key.startsWith('event'));
    expect(events).toHaveLength(MAX_EVENT_ROUTES);
    expect(events).not.toContain(`event${MANY_EVENTS}`);
    Annotations.fromStack(stack).hasWarning(
      '*',
      Match.stringLikeRegexp(`${MANY_EVENTS} gateway events: the first ${MAX_EVENT_ROUTES}`),
    );
  });
});
