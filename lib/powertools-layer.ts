import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { type ILayerVersion, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { powertoolsLayerParameter } from '../definitions/function-bundling';

const LAYER_ID = 'PowertoolsLayer';

/**
 * The version of Powertools this project installs (`@aws-lambda-powertools/commons`), which
 * the layer must match.
 *
 * @example
 * installedPowertoolsVersion(); // '2.36.0'
 */
export function installedPowertoolsVersion(): string {
  const entry = require.resolve('@aws-lambda-powertools/commons');
  for (let dir = dirname(entry); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@aws-lambda-powertools/commons' && manifest.version)
        return manifest.version;
    } catch {
      // No package.json at this level.
    }
  }
  throw new Error('Cannot read the installed @aws-lambda-powertools/commons version');
}

/**
 * AWS's Powertools for AWS Lambda (TypeScript) layer of the installed version, one per stack:
 * its ARN is read at deploy time from the public SSM parameter AWS publishes for it in every
 * commercial region, so synth stays offline. Functions bundle without Powertools
 * (`PROVIDED_MODULES`) and load it, and the X-Ray SDK its tracer uses, from the layer.
 *
 * @example
 * new NodejsFunction(this, 'Fn', { layers: [powertoolsLayer(this)], bundling: { externalModules: [...PROVIDED_MODULES] } });
 */
export function powertoolsLayer(scope: Construct): ILayerVersion {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(LAYER_ID) as ILayerVersion | undefined;
  if (existing) return existing;
  const arn = StringParameter.valueForStringParameter(
    stack,
    powertoolsLayerParameter(installedPowertoolsVersion()),
  );
  return LayerVersion.fromLayerVersionArn(stack, LAYER_ID, arn);
}
