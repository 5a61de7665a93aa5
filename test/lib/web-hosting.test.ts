import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PAGE_CONFIG_FILE } from '../../definitions/page-config';
import { ChatStack } from '../../lib/chat-stack';
import { ACCESS_LOG_PREFIX, WebHosting } from '../../lib/web-hosting';

import { onlyIdOf, render, resourceOf, resourcesOf, statementsOf } from './template-helpers';

interface BucketStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Principal: { readonly Service?: string; readonly AWS?: unknown };
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

interface DeploymentProperties {
  readonly SourceObjectKeys: string[];
  readonly SourceMarkers?: Record<string, unknown>[];
}

let tmp: string;
let pageDir: string;

/** A ChatStack hosting the fixture page, without bundling, in its own cloud assembly. */
function synthHosted(context: Record<string, unknown> = {}): {
  app: App;
  stack: ChatStack;
  template: Template;
} {
  const app = new App({
    outdir: mkdtempSync(path.join(tmp, 'cdk.out-')),
    context: { 'aws:cdk:bundling-stacks': [], ...context },
  });
  const stack = new ChatStack(app, 'HostedStack', { webDir: pageDir });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id of the resource behind an L2 construct. */
function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement)) throw new Error('No CloudFormation resource');
  return stack.resolve(resource.logicalId) as string;
}

/** The web hosting of a stack synthesized with a page. */
function webOf(stack: ChatStack): WebHosting {
  if (!stack.web) throw new Error('No web hosting');
  return stack.web;
}

/** The statements of the bucket policy of one bucket. */
function bucketStatements(template: Template, bucketId: string): BucketStatement[] {
  const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find(
    (p) => render(p.Properties.Bucket) === `{${bucketId}}`,
  );
  if (!policy) throw new Error(`No bucket policy for ${bucketId}`);
  return (policy.Properties.PolicyDocument as { Statement: BucketStatement[] }).Statement;
}

/** Where the cloud assembly staged the source of one of the deployment's zip object keys. */
function assetPath(app: App, stack: Stack, objectKey: string): string {
  const { directory } = app.synth();
  const manifest = JSON.parse(
    readFileSync(path.join(directory, `${stack.artifactId}.assets.json`), 'utf8'),
  ) as { files: Record<string, { source: { path: string } }> };
  const source = manifest.files[objectKey.replace(/\.zip$/, '')]?.source.path;
  if (source === undefined) throw new Error(`No asset for ${objectKey}`);
  return path.join(directory, source);
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'web-hosting-test-'));
  pageDir = path.join(tmp, 'page');
  mkdirSync(pageDir);
  writeFileSync(path.join(pageDir, 'index.html'), '<!doctype html><title>fixture</title>');
  writeFileSync(path.join(pageDir, 'main.js'), '');
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('Class: WebHosting', () => {
  let app: App;
  let stack: ChatStack;
  let template: Template;
  let apiId: string;
  let bucketId: string;
  let logBucketId: string;
  let distributionId: string;

  beforeAll(() => {
    // Prepare / Act: one unbundled synth with default context, shared by the read-only tests.
    ({ app, stack, template } = synthHosted());
    apiId = onlyIdOf(template, 'AWS::ApiGatewayV2::Api');
    bucketId = logicalIdOf(stack, webOf(stack).bucket);
    logBucketId = logicalIdOf(stack, webOf(stack).logBucket);
    distributionId = onlyIdOf(template, 'AWS::CloudFront::Distribution');
  });

  describe('Bucket', () => {
    it('is private and encrypted with S3-managed keys, like the log bucket', () => {
      // Assess
      template.resourceCountIs('AWS::S3::Bucket', 2);
      template.allResourcesProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
      });
    });

    it.each([
      ['page', () => bucketId],
      ['log', () => logBucketId],
    ])('%s bucket denies every request not made over TLS', (_, idOf) => {
      // Prepare
      const id = idOf();

      // Act
      const denials = bucketStatements(template, id).filter((s) => s.Effect === 'Deny');

      // Assess
      expect(denials).toEqual([
        expect.objectContaining({
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]);
      expect([denials[0]?.Resource].flat().map(render).sort()).toEqual([
        `{${id}.Arn}`,
        `{${id}.Arn}/*`,
      ]);
    });

    it('writes its server access logs to the log bucket', () => {
      // Act
      const bucket = resourceOf(template, 'AWS::S3::Bucket', bucketId);

      // Assess
      expect(bucket.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logBucketId },
        LogFilePrefix: ACCESS_LOG_PREFIX.bucket,
      });
    });

    it('lets only this distribution read objects, through the CloudFront service principal', () => {
      // Act
      const allows = bucketStatements(template, bucketId).filter((s) => s.Effect === 'Allow');
      const services = allows.filter((s) => s.Principal.Service !== undefined);
      const others = allows.filter((s) => s.Principal.Service === undefined);

      // Assess
      expect(services).toHaveLength(1);
      expect(services[0]).toMatchObject({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
      });
      expect(render(services[0]?.Resource)).toBe(`{${bucketId}.Arn}/*`);
      const sourceArn = services[0]?.Condition?.StringEquals?.['AWS:SourceArn'];
      expect(render(sourceArn)).toBe(
        `arn:{AWS::Partition}:cloudfront::{AWS::AccountId}:distribution/{${distributionId}}`,
      );
      // With removalPolicy=destroy, CDK's auto-delete provider may empty the bucket; nothing else.
      expect(others.length).toBeLessThanOrEqual(1);
      for (const s of others) {
        expect(render(s.Principal.AWS)).toMatch(/^\{CustomS3AutoDeleteObjects\w+Role\w*\.Arn\}$/);
      }
    });
  });

  describe('Log bucket', () => {
    it('accepts log delivery through ACLs and expires logs after 90 days', () => {
      // Act
      const logBucket = resourceOf(template, 'AWS::S3::Bucket', logBucketId);

      // Assess
      expect(logBucket.Properties).toMatchObject({
        AccessControl: 'LogDeliveryWrite',
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
      });
    });

    it('lets no one but the auto-delete provider in through its policy', () => {
      // Act
      const allows = bucketStatements(template, logBucketId).filter((s) => s.Effect === 'Allow');

      // Assess
      expect(allows.length).toBeLessThanOrEqual(1);
      for (const s of allows) {
        expect(render(s.Principal.AWS)).toMatch(/^\{CustomS3AutoDeleteObjects\w+Role\w*\.Arn\}$/);
      }
    });
  });

  describe('Distribution', () => {
    it('reads the bucket with origin access control and redirects HTTP to HTTPS', () => {
      // Prepare
      const oacId = onlyIdOf(template, 'AWS::CloudFront::OriginAccessControl');

      // Assess
      template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: Match.objectLike({
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
          SigningProtocol: 'sigv4',
        }),
      });
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          DefaultRootObject: 'index.html',
          DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
          Origins: [
            Match.objectLike({
              DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
              OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
            }),
          ],
        }),
      });
    });

    it('writes its standard logs to the log bucket', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          Logging: {
            Bucket: { 'Fn::GetAtt': [logBucketId, 'RegionalDomainName'] },
            Prefix: ACCESS_LOG_PREFIX.distribution,
          },
        }),
      });
    });
  });

  describe('Deployment', () => {
    let deployment: DeploymentProperties;

    beforeAll(() => {
      const [resource] = Object.values(resourcesOf(template, 'Custom::CDKBucketDeployment'));
      deployment = resource?.Properties as unknown as DeploymentProperties;
    });

    it('deploys into the bucket and invalidates the whole distribution', () => {
      // Assess
      template.resourceCountIs('Custom::CDKBucketDeployment', 1);
      template.hasResourceProperties('Custom::CDKBucketDeployment', {
        DestinationBucketName: { Ref: bucketId },
        DistributionId: { Ref: distributionId },
        DistributionPaths: ['/*'],
        Prune: true,
      });
    });

    it('deploys the page directory and a config.json', () => {
      // Act
      const files = deployment.SourceObjectKeys.map((key) =>
        readdirSync(assetPath(app, stack, key)).sort(),
      );

      // Assess
      expect(files).toEqual([['index.html', 'main.js'], [PAGE_CONFIG_FILE]]);
    });

    it('writes the stage URL and where to sign in into config.json at deploy time', () => {
      // Prepare
      const configKey = deployment.SourceObjectKeys[1] ?? '';
      const markers = deployment.SourceMarkers?.[1] ?? {};

      // Act
      const raw = readFileSync(
        path.join(assetPath(app, stack, configKey), PAGE_CONFIG_FILE),
        'utf8',
      );
      const resolved = Object.entries(markers).reduce(
        (text, [marker, value]) => text.split(marker).join(render(value)),
        raw,
      );

      // Assess
      expect(Object.keys(markers).length).toBeGreaterThan(0);
      const poolId = onlyIdOf(template, 'AWS::Cognito::UserPool');
      expect(JSON.parse(resolved)).toEqual({
        webSocketUrl: `wss://{${apiId}}.execute-api.{AWS::Region}.{AWS::URLSuffix}/dev`,
        signIn: {
          issuer: `{${poolId}.ProviderURL}`,
          clientId: `{${onlyIdOf(template, 'AWS::Cognito::UserPoolClient')}}`,
          scope: 'openid profile email',
          logoutEndpoint: `https://{${onlyIdOf(template, 'AWS::Cognito::UserPoolDomain')}}.auth.{AWS::Region}.amazoncognito.com/logout`,
        },
      });
      expect(JSON.parse(resolved).webSocketUrl).toBe(
        render(template.findOutputs('WebSocketUrl').WebSocketUrl?.Value),
      );
    });

    it('logs to a log group with a retention', () => {
      // Prepare
      const handlerId =
        Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).find((id) =>
          id.startsWith('CustomCDKBucketDeployment'),
        ) ?? '';

      // Act
      const handler = resourceOf(template, 'AWS::Lambda::Function', handlerId);
      const logGroupRef = (handler.Properties.LoggingConfig as { LogGroup: { Ref: string } })
        .LogGroup.Ref;

      // Assess
      expect(
        resourceOf(template, 'AWS::Logs::LogGroup', logGroupRef).Properties.RetentionInDays,
      ).toBeGreaterThan(0);
    });

    it('runs with a role that has no managed policy and writes to its own log group only', () => {
      // Prepare
      const roleId = logicalIdOf(stack, webOf(stack).deploymentRole);
      const handlerId =
        Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(([, fn]) =>
          render(fn.Properties.Role).startsWith(`{${roleId}.`),
        )?.[0] ?? '';

      // Act
      const handler = resourceOf(template, 'AWS::Lambda::Function', handlerId);
      const logGroupRef = (handler.Properties.LoggingConfig as { LogGroup: { Ref: string } })
        .LogGroup.Ref;
      const logStatements = statementsOf(template, handlerId).filter((s) =>
        [s.Action].flat().some((action) => action.startsWith('logs:')),
      );

      // Assess
      expect(handlerId).toMatch(/^CustomCDKBucketDeployment/);
      expect(
        resourceOf(template, 'AWS::IAM::Role', roleId).Properties.ManagedPolicyArns,
      ).toBeUndefined();
      expect(logStatements.flatMap((s) => [s.Resource].flat().map(render))).toEqual([
        `{${logGroupRef}.Arn}`,
      ]);
    });
  });

  describe('Outputs', () => {
    it('outputs the https:// URL of the distribution as WebUrl', () => {
      // Act
      const outputs = template.findOutputs('WebUrl');

      // Assess
      expect(render(outputs.WebUrl?.Value)).toBe(`https://{${distributionId}.DomainName}`);
    });
  });

  describe('Portability', () => {
    it('contains no literal account id, region or ARN', () => {
      // Act
      const json = JSON.stringify(template.toJSON());

      // Assess
      expect(json).not.toMatch(/\b\d{12}\b/);
      expect(json).not.toMatch(/\b(us|eu|ap|sa|ca|me|af|il|mx|cn)-[a-z]+-\d\b/);
      expect(json).not.toMatch(/arn:aws[a-z-]*:/);
    });
  });

  describe('Removal policy', () => {
    it.each([
      ['page', () => bucketId],
      ['log', () => logBucketId],
    ])('deletes the %s bucket and its objects with the stack by default', (_, idOf) => {
      // Prepare
      const id = idOf();

      // Assess
      expect(resourceOf(template, 'AWS::S3::Bucket', id)).toMatchObject({
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
      template.hasResourceProperties('Custom::S3AutoDeleteObjects', {
        BucketName: { Ref: id },
      });
    });

    it('retains the bucket and its objects when removalPolicy is retain', () => {
      // Act
      const { template: retained } = synthHosted({ removalPolicy: 'retain' });
      const allows = bucketStatements(retained, bucketId).filter((s) => s.Effect === 'Allow');

      // Assess
      retained.resourceCountIs('AWS::S3::Bucket', 2);
      retained.allResources('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      retained.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
      expect(allows.map((s) => s.Principal)).toEqual([{ Service: 'cloudfront.amazonaws.com' }]);
    });
  });

  describe('Validation', () => {
    it('throws when the page directory has no index.html', () => {
      // Prepare
      const stack = new Stack(new App(), 'EmptyPage');
      const empty = mkdtempSync(path.join(tmp, 'empty-'));

      // Act / Assess
      expect(
        () => new WebHosting(stack, 'Web', { assetDir: empty, webSocketUrl: 'wss://example.test' }),
      ).toThrow(/no index\.html/);
    });
  });
});
