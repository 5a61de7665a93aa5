import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Distribution, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  PAGE_CONFIG_FILE,
  type PageConfig,
  type PageSignInConfig,
} from '../definitions/page-config';

const INDEX_FILE = 'index.html';

/** Key prefixes of the two kinds of access log in the log bucket. */
export const ACCESS_LOG_PREFIX = { bucket: 's3/', distribution: 'cloudfront/' } as const;
/** How long the log bucket keeps access logs. */
const ACCESS_LOG_EXPIRATION = Duration.days(90);

export interface WebHostingProps {
  /** Directory of the built page (`buildWeb()` → dist/web); must contain index.html. */
  readonly assetDir: string;
  /** The wss:// URL the page connects to, written to config.json at deploy time. */
  readonly webSocketUrl: string;
  /** Where the page signs in, written to config.json. @default none: the page connects without a token */
  readonly signIn?: PageSignInConfig;
  /**
   * Of the buckets and the deployment's log group; DESTROY also empties the buckets on delete.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The chat page on CloudFront: a private S3 bucket read only by the distribution (origin
 * access control), HTTPS only, and a deployment of the page plus `config.json`
 * (`{ webSocketUrl, signIn }`) that invalidates the distribution's cache. The bucket's server access
 * logs and the distribution's standard logs go to a private log bucket that expires them after 90 days.
 *
 * @example
 * const web = new WebHosting(this, 'Web', { assetDir: 'dist/web', webSocketUrl: stage.url });
 * new CfnOutput(this, 'WebUrl', { value: web.url });
 */
export class WebHosting extends Construct {
  readonly bucket: Bucket;
  /** Access logs of `bucket` (`s3/`) and of `distribution` (`cloudfront/`). */
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly deployment: BucketDeployment;
  /** The role of the deployment's handler; it writes to its own log group only. */
  readonly deploymentRole: Role;
  /** `https://<distribution domain>`, no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    if (!existsSync(path.join(props.assetDir, INDEX_FILE))) {
      throw new Error(`WebHosting: no ${INDEX_FILE} in ${props.assetDir} (run npm run build:web)`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    this.logBucket = new Bucket(this, 'LogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logging delivers through a bucket ACL grant, so ACLs stay enabled.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: ACCESS_LOG_EXPIRATION }],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: ACCESS_LOG_PREFIX.bucket,
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
      logBucket: this.logBucket,
      logFilePrefix: ACCESS_LOG_PREFIX.distribution,
    });

    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.deploymentRole = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(this.deploymentRole);
    const config: PageConfig = {
      webSocketUrl: props.webSocketUrl,
      ...(props.signIn === undefined ? {} : { signIn: props.signIn }),
    };
    this.deployment = new BucketDeployment(this, 'Deployment', {
      destinationBucket: this.bucket,
      sources: [Source.asset(props.assetDir), Source.jsonData(PAGE_CONFIG_FILE, config)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      role: this.deploymentRole,
      logGroup,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
  }
}
