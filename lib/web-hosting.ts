import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Distribution, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { PAGE_CONFIG_FILE, type PageConfig } from '../web/socket-url';

const INDEX_FILE = 'index.html';

export interface WebHostingProps {
  /** Directory of the built page (`buildWeb()` → dist/web); must contain index.html. */
  readonly assetDir: string;
  /** The wss:// URL the page connects to, written to config.json at deploy time. */
  readonly webSocketUrl: string;
  /**
   * Of the bucket and the deployment's log group; DESTROY also empties the bucket on delete.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The chat page on CloudFront: a private S3 bucket read only by the distribution (origin
 * access control), HTTPS only, and a deployment of the page plus `config.json`
 * (`{ webSocketUrl }`) that invalidates the distribution's cache.
 *
 * @example
 * const web = new WebHosting(this, 'Web', { assetDir: 'dist/web', webSocketUrl: stage.url });
 * new CfnOutput(this, 'WebUrl', { value: web.url });
 */
export class WebHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly deployment: BucketDeployment;
  /** `https://<distribution domain>`, no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    if (!existsSync(path.join(props.assetDir, INDEX_FILE))) {
      throw new Error(`WebHosting: no ${INDEX_FILE} in ${props.assetDir} (run npm run build:web)`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'apigw-chat page',
      defaultRootObject: INDEX_FILE,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
    });
    const config: PageConfig = { webSocketUrl: props.webSocketUrl };
    this.deployment = new BucketDeployment(this, 'Deployment', {
      destinationBucket: this.bucket,
      sources: [Source.asset(props.assetDir), Source.jsonData(PAGE_CONFIG_FILE, config)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      logGroup: new LogGroup(this, 'DeploymentLogs', {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy,
      }),
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
  }
}
