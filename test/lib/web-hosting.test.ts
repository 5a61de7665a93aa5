import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ChatStack } from '../../lib/chat-stack';
import { WebHosting } from '../../lib/web-hosting';
import { PAGE_CONFIG_FILE } from '../../web/socket-url';
import { onlyIdOf, render, resourceOf, resourcesOf } from './template-helpers';

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

function bucketStatements(template: Template): BucketStatement[] {
  const type = 'AWS::S3::BucketPolicy';
  const policy = resourceOf(template, type, onlyIdOf(template, type));
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
  let distributionId: string;

  beforeAll(() => {
    // Prepare / Act: one unbundled synth with default context, shared by the read-only tests.
    ({ app, stack, template } = synthHosted());
    apiId = onlyIdOf(template, 'AWS::ApiGatewayV2::Api');
    bucketId = onlyIdOf(template, 'AWS::S3::Bucket');
    distributionId = onlyIdOf(template, 'AWS::CloudFront::Distribution');
  });

  describe('Bucket', () => {
    it('is private and encrypted with S3-managed keys', () => {
      // Assess
      template.hasResourceProperties('AWS::S3::Bucket', {
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

    it('denies every request not made over TLS', () => {
      // Act
      const denials = bucketStatements(template).filter((s) => s.Effect === 'Deny');

      // Assess
      expect(denials).toEqual([
        expect.objectContaining({
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]);
      expect([denials[0]?.Resource].flat().map(render).sort()).toEqual([
        `{${bucketId}.Arn}`,
        `{${bucketId}.Arn}/*`,
      ]);
    });

    it('lets only this distribution read objects, through the CloudFront service principal', () => {
      // Act
      const allows = bucketStatements(template).filter((s) => s.Effect === 'Allow');
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

    it('writes the stage URL into config.json at deploy time', () => {
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
      expect(JSON.parse(resolved)).toEqual({
        webSocketUrl: `wss://{${apiId}}.execute-api.{AWS::Region}.{AWS::URLSuffix}/dev`,
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
    it('deletes the bucket and its objects with the stack by default', () => {
      // Assess
      expect(resourceOf(template, 'AWS::S3::Bucket', bucketId)).toMatchObject({
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
      template.hasResourceProperties('Custom::S3AutoDeleteObjects', {
        BucketName: { Ref: bucketId },
      });
    });

    it('retains the bucket and its objects when removalPolicy is retain', () => {
      // Act
      const { template: retained } = synthHosted({ removalPolicy: 'retain' });
      const allows = bucketStatements(retained).filter((s) => s.Effect === 'Allow');

      // Assess
      retained.hasResource('AWS::S3::Bucket', {
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
