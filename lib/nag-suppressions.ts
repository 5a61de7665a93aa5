import { CfnElement, Stack } from 'aws-cdk-lib';
import { type NagPackSuppression, NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { FUNCTION_ENV, type FunctionName } from '../definitions/api';
import type { ChatStack } from './chat-stack';
import { FUNCTION_CONNECTION_METHODS } from './least-privilege';
import type { WebHosting } from './web-hosting';

type IFunctionLike = ChatStack['functions'][FunctionName];

/**
 * Every cdk-nag AwsSolutions finding the stack accepts, each with its reason, in one place.
 * Findings that are cheap to fix are fixed in the constructs instead: stage access logs
 * (APIG1), bucket and distribution access logs (S1, CFR3), Lambda roles that may write to their
 * own log group only (IAM4), an unqualified invoke grant (IAM5 on `function:*`), and an alarm
 * topic encrypted with its own key and reachable over TLS only (SNS2, SNS3).
 * IAM5 suppressions always name the exact wildcard (`appliesTo`), never the whole rule.
 */

/** Why the other routes never need one. */
const AUTHORIZED_ON_CONNECT =
  'API Gateway WebSocket APIs run authorizers on $connect only; this route runs on a connection that $connect has already accepted.';

const PINNED_RUNTIME =
  "Node.js 22 is the project's pinned Lambda runtime: handlers are bundled with esbuild for node22 and tested on it; a runtime upgrade is its own change.";

const XRAY_TRACES =
  "Active tracing's own grant (aws-cdk-lib, Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so IAM only accepts Resource '*' for them.";

const MANAGE_CONNECTIONS =
  "This API and stage's connections only, with the methods the function calls (FUNCTION_CONNECTION_METHODS: POST, and DELETE where handlers run; never GET): connection ids exist only at runtime.";

const EMITTER_POSTS =
  "The emitter policy (EmitterPolicyArn) may post to this API and stage's connections only: connection ids exist only at runtime, and the method segment is POST (no GET or DELETE).";

const DEPLOYMENT_RUNTIME =
  "The runtime of aws-cdk-lib's BucketDeployment handler is chosen by aws-cdk-lib and cannot be configured; it moves with aws-cdk-lib upgrades.";

/** The wildcards `BucketDeployment` grants its handler, by `appliesTo` entry. */
const DEPLOYMENT_READ =
  "aws-cdk-lib's grantRead action groups, given by BucketDeployment on the CDK asset bucket and the page bucket: it reads the page's zip assets and lists the page bucket to sync it.";
const DEPLOYMENT_WRITE =
  "aws-cdk-lib's grantReadWrite action groups on the page bucket: BucketDeployment prunes stale files (prune: true) and aborts failed multipart uploads.";
const DEPLOYMENT_ASSETS =
  'Objects of the CDK bootstrap asset bucket: the keys of the zip assets are content hashes, known only after synthesis.';
const DEPLOYMENT_PAGE_OBJECTS =
  'Every object of the page bucket: the deployment syncs the whole site into it, and the bucket holds nothing else.';
const DEPLOYMENT_INVALIDATION =
  "cloudfront:CreateInvalidation and GetInvalidation on '*' are hard-coded by aws-cdk-lib's BucketDeployment (a CDK limitation); the handler only invalidates the distribution id it is given.";

const NO_GEO_RESTRICTION =
  'The chat page is for anyone, anywhere: there is no country to block, and the WebSocket API it opens is open to the same audience.';
const NO_WAF =
  'The distribution serves a static page (no API, no forms) and the WebSocket API is throttled by API Gateway; a web ACL, a fixed monthly cost, can be added when a threat calls for it.';
const DEFAULT_CERTIFICATE =
  'The distribution uses the default *.cloudfront.net certificate, whose minimum TLS version CloudFront does not let us raise; a custom domain with an ACM certificate is out of scope.';

/** Matches the CDK bootstrap asset bucket's objects, whatever the bootstrap qualifier. */
const ASSET_BUCKET_OBJECTS =
  '/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-<AWS::Region>\\/\\*$/';

const OPTIONAL_MFA =
  'People sign themselves up to a chat: a required second factor (TOTP enrolled at first sign-in) is a barrier the hosted pages of the classic UI cannot walk a newcomer through; require it (mfa: Mfa.REQUIRED in lib/chat-sign-in.ts) where the chat holds anything worth it.';
const ESSENTIALS_PLAN =
  "The Plus feature plan (threat protection) is billed per monthly active user on top of Essentials; the pool's password policy, email verification and preventUserExistenceErrors are the baseline, and the plan is one property to raise.";

/** Construct id prefix of the `BucketDeployment` handler, a singleton at the stack's root. */
const DEPLOYMENT_HANDLER_ID_PREFIX = 'Custom::CDKBucketDeployment';

/**
 * Adds every suppression of this file to the stack; `ChatStack` calls it last, once all its
 * resources and grants exist.
 *
 * @example
 * suppressNagFindings(this); // at the end of the ChatStack constructor
 */
export function suppressNagFindings(stack: ChatStack): void {
  for (const [routeKey, route] of Object.entries(stack.routes)) {
    // `$connect` has the Lambda authorizer (APIG4 passes); the others cannot have one.
    if (routeKey === '$connect') continue;
    suppress(route, [{ id: 'AwsSolutions-APIG4', reason: AUTHORIZED_ON_CONNECT }]);
  }

  const connectionsArn = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalIdOf(stack.api)}>/${stack.stage.stageName}/*/@connections/*`;
  for (const [name, fn] of Object.entries(stack.functions) as [FunctionName, IFunctionLike][]) {
    suppress(fn, [{ id: 'AwsSolutions-L1', reason: PINNED_RUNTIME }]);
    if (fn.role === undefined) throw new Error(`Function ${fn.node.path} has no role`);
    suppress(defaultPolicyOf(fn.role), [
      { id: 'AwsSolutions-IAM5', reason: XRAY_TRACES, appliesTo: ['Resource::*'] },
    ]);
    if (!FUNCTION_ENV[name].includes('callbackUrl')) continue;
    suppress(defaultPolicyOf(fn.role), [
      {
        id: 'AwsSolutions-IAM5',
        reason: MANAGE_CONNECTIONS,
        appliesTo: FUNCTION_CONNECTION_METHODS[name].map(
          (method) =>
            `Resource::${connectionsArn.replace('/*/@connections/', `/${method}/@connections/`)}`,
        ),
      },
    ]);
  }

  suppress(stack.emitterAccess.policy, [
    {
      id: 'AwsSolutions-IAM5',
      reason: EMITTER_POSTS,
      appliesTo: [`Resource::${connectionsArn.replace('/*/@connections/', '/POST/@connections/')}`],
    },
  ]);

  if (stack.signIn) {
    suppress(stack.signIn.userPool, [
      { id: 'AwsSolutions-COG2', reason: OPTIONAL_MFA },
      { id: 'AwsSolutions-COG8', reason: ESSENTIALS_PLAN },
    ]);
  }
  if (stack.web) suppressWebFindings(stack, stack.web);
}

function suppressWebFindings(stack: Stack, web: WebHosting): void {
  suppress(deploymentHandler(stack), [{ id: 'AwsSolutions-L1', reason: DEPLOYMENT_RUNTIME }]);
  suppress(defaultPolicyOf(web.deploymentRole), [
    {
      id: 'AwsSolutions-IAM5',
      reason: DEPLOYMENT_READ,
      appliesTo: ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: DEPLOYMENT_WRITE,
      appliesTo: ['Action::s3:DeleteObject*', 'Action::s3:Abort*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: DEPLOYMENT_ASSETS,
      appliesTo: [{ regex: ASSET_BUCKET_OBJECTS }],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: DEPLOYMENT_PAGE_OBJECTS,
      appliesTo: [`Resource::<${logicalIdOf(web.bucket)}.Arn>/*`],
    },
    { id: 'AwsSolutions-IAM5', reason: DEPLOYMENT_INVALIDATION, appliesTo: ['Resource::*'] },
  ]);
  suppress(web.distribution, [
    { id: 'AwsSolutions-CFR1', reason: NO_GEO_RESTRICTION },
    { id: 'AwsSolutions-CFR2', reason: NO_WAF },
    { id: 'AwsSolutions-CFR4', reason: DEFAULT_CERTIFICATE },
  ]);
}

/** Suppressions on one resource (an L2's default child), never on its children. */
function suppress(construct: IConstruct, suppressions: NagPackSuppression[]): void {
  NagSuppressions.addResourceSuppressions(construct, suppressions);
}

/** The policy that a role's grants (`addToPrincipalPolicy`) create. */
function defaultPolicyOf(role: IConstruct): IConstruct {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) throw new Error(`${role.node.path} has no default policy`);
  return policy;
}

/** The CloudFormation logical id of a construct's resource, as cdk-nag prints it. */
function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return Stack.of(resource).resolve(resource.logicalId) as string;
}

/** The singleton Lambda function behind every `BucketDeployment` of the stack. */
function deploymentHandler(stack: Stack): IConstruct {
  const handler = stack.node.children.find((child) =>
    child.node.id.startsWith(DEPLOYMENT_HANDLER_ID_PREFIX),
  );
  if (!handler) throw new Error(`No ${DEPLOYMENT_HANDLER_ID_PREFIX} handler in ${stack.node.path}`);
  return handler;
}
