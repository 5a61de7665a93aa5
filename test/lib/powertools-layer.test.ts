import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { powertoolsLayerParameter } from '../../definitions/function-bundling';
import { ChatStack } from '../../lib/chat-stack';
import { installedPowertoolsVersion } from '../../lib/powertools-layer';
import { resourcesOf } from './template-helpers';

const ROOT = resolve(__dirname, '..', '..');

/** Powertools comes from AWS's layer: every function has it, at the installed version. */
describe('powertoolsLayer', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ChatStack(app, 'Layered');
  const template = Template.fromStack(stack);

  it('reads the installed Powertools version from its package.json', () => {
    const manifest = JSON.parse(
      readFileSync(join(ROOT, 'node_modules/@aws-lambda-powertools/commons/package.json'), 'utf8'),
    ) as { version: string };
    expect(installedPowertoolsVersion()).toBe(manifest.version);
    expect(installedPowertoolsVersion()).toMatch(/^2\.\d+\.\d+$/);
  });

  it("gives every function the layer named by AWS's public SSM parameter of that version, resolved at deploy", () => {
    // Act
    const parameters = Object.entries(
      template.toJSON().Parameters as Record<string, { Type: string; Default: string }>,
    ).filter(([, parameter]) => parameter.Default?.startsWith('/aws/service/powertools/'));
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));

    // Assess
    expect(parameters).toEqual([
      [
        expect.any(String),
        {
          Type: 'AWS::SSM::Parameter::Value<String>',
          Default: powertoolsLayerParameter(installedPowertoolsVersion()),
        },
      ],
    ]);
    const [parameterId] = parameters[0] as [string, unknown];
    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) expect(fn.Properties.Layers).toEqual([{ Ref: parameterId }]);
  });
});
