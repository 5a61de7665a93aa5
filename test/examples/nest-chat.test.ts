import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { nestChatApp } from '../../examples/nest-chat/app';
import { FUNCTION_TABLE_ACTIONS } from '../../lib/least-privilege';
import {
  functionIds,
  integrationOf,
  render,
  resourcesOf,
  statementsOf,
  statementsWithAction,
} from '../lib/template-helpers';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');
/** class-validator's default message for `@IsNotEmpty()`: in a bundle only with class-validator. */
const CLASS_VALIDATOR_TEXT = 'should not be empty';

/**
 * examples/nest-chat's CDK app, synthesized offline as `cdk synth --app 'npx tsx
 * examples/nest-chat/app.ts'` does it (functions bundled, cdk-nag's checks on): the routes its
 * gateway's events get, the grants of its functions, and what their bundles hold.
 */
describe('examples/nest-chat: the stack with the ChatModule gateways', () => {
  mkdirSync(join(ROOT, 'cdk.out'), { recursive: true });
  const outdir = mkdtempSync(join(ROOT, 'cdk.out', 'nest-chat-'));
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = nestChatApp(app);
  const template = Template.fromStack(stack);
  const fnIds = functionIds(template);
  app.synth();

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** The bundle (index.js) a function of the template runs. */
  const bundleOf = (functionId: string): string => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionId] as unknown as {
      Metadata?: Record<string, string>;
    };
    const asset = fn.Metadata?.['aws:asset:path'];
    if (!asset) throw new Error(`no asset for ${functionId}`);
    return readFileSync(join(outdir, asset, 'index.js'), 'utf8');
  };

  it("routes each of the gateway's events to the message function, beside the chat's routes", () => {
    // Act
    const routeKeys = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    const targets = ['whoami', 'join', 'say', '$default'].map((routeKey) =>
      render(integrationOf(template, routeKey)[1].Properties.IntegrationUri),
    );

    // Assess
    expect(routeKeys.sort()).toEqual(
      ['$connect', '$default', '$disconnect', 'join', 'ping', 'say', 'whoami'].sort(),
    );
    for (const target of targets) expect(target).toContain(`{${fnIds.message}.Arn}`);
  });

  it('lets API Gateway invoke the message function for each event route, and for that route only', () => {
    // Act
    const sourceArns = Object.values(resourcesOf(template, 'AWS::Lambda::Permission'))
      .filter(
        (permission) => render(permission.Properties.FunctionName) === `{${fnIds.message}.Arn}`,
      )
      .map((permission) => render(permission.Properties.SourceArn));

    // Assess
    for (const routeKey of ['whoami', 'join', 'say', '$default']) {
      expect(sourceArns.filter((arn) => arn.endsWith(`/*${routeKey}`))).toHaveLength(1);
    }
    expect(sourceArns).toHaveLength(4);
  });

  it.each(['connect', 'disconnect', 'message'] as const)(
    'grants the %s function what it grants the chat: its table actions and @connections POST and DELETE on this stage',
    (name) => {
      // Act
      const statements = statementsOf(template, fnIds[name]);
      const table = statements.filter((s) =>
        [s.Action].flat().some((action) => action.startsWith('dynamodb:')),
      );
      const connections = statementsWithAction(statements, 'execute-api:ManageConnections');
      const invokes = statementsWithAction(statements, 'lambda:InvokeFunction');

      // Assess
      expect(table.flatMap((s) => [s.Action].flat()).sort()).toEqual(
        FUNCTION_TABLE_ACTIONS[name].map((action) => `dynamodb:${action}`).sort(),
      );
      expect(connections.flatMap((s) => [s.Resource].flat().map(render))).toEqual([
        expect.stringMatching(/\/dev\/POST\/@connections\/\*$/),
        expect.stringMatching(/\/dev\/DELETE\/@connections\/\*$/),
      ]);
      expect(invokes.flatMap((s) => [s.Resource].flat().map(render)).sort()).toEqual([
        `{${fnIds.worker}.Arn}`,
        `{${fnIds.worker}.Arn}:$LATEST`,
      ]);
    },
  );

  it('bundles the gateway into connect, disconnect and message with its decorator metadata, without the validation packages it does not use', () => {
    // Act
    const bundles = (['connect', 'disconnect', 'message'] as const).map((name) =>
      bundleOf(fnIds[name]),
    );

    // Assess
    for (const bundle of bundles) {
      expect(bundle).toContain('join the room first');
      expect(bundle).toContain('design:paramtypes');
      expect(bundle).not.toContain(CLASS_VALIDATOR_TEXT);
    }
  });

  it("leaves the chat's other functions as they are", () => {
    // Act
    const worker = bundleOf(fnIds.worker);

    // Assess
    expect(worker).not.toContain('join the room first');
    expect(worker).not.toContain('design:paramtypes');
  });

  it.each(['connect', 'message', 'worker', 'heartbeat'] as const)(
    'leaves Powertools with its X-Ray SDK (the layer has them) and debug (silenced) out of the %s bundle',
    (name) => {
      // Act
      const bundle = bundleOf(fnIds[name]);

      // Assess
      expect(bundle).toContain('require("@aws-lambda-powertools/tracer")');
      expect(bundle).not.toContain('AWS_XRAY_DAEMON_ADDRESS'); // the X-Ray SDK's own setting
      expect(bundle).not.toContain('useColors'); // debug's
    },
  );

  it("passes cdk-nag's AwsSolutions checks", () => {
    // Act
    const errors = Annotations.fromStack(stack).findError('*', Match.anyValue());

    // Assess
    expect(errors).toEqual([]);
  });
});
