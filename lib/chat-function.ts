import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENTRY_METADATA_KEY } from '../definitions/api';
import { DEFAULT_FUNCTION_MEMORY_MB } from '../definitions/fan-out-sizing';
import { BUNDLE_ALIASES, PROVIDED_MODULES } from '../definitions/function-bundling';
import { SERVICE_NAME } from '../definitions/metrics';
import { NEST_LAZY_MODULES } from '../definitions/nest-lazy-modules';
import { powertoolsLayer } from './powertools-layer';

/** `POWERTOOLS_SERVICE_NAME` of every function: the service name in each log line and metric. */
export { SERVICE_NAME };

export interface ChatFunctionProps {
  /** Absolute path of the handler's TypeScript file (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default DEFAULT_FUNCTION_MEMORY_MB (256) */
  readonly memorySize?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Of the log group. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** X-Ray tracing; `ACTIVE` also grants the role `xray:PutTraceSegments`. @default Tracing.ACTIVE */
  readonly tracing?: Tracing;
  /**
   * Bundles again with the decorator metadata Nest's injection and pipes read (esbuild emits
   * none): `local/lambda/bundle-with-decorator-metadata.ts` replaces esbuild's bundle after it
   * is made. @default false
   */
  readonly decoratorMetadata?: boolean;
}

/**
 * A Node.js 22 arm64 Lambda function with the project's defaults: esbuild bundle (minified,
 * with source maps enabled at runtime; the AWS SDK from the runtime and Powertools from AWS's
 * Powertools layer, `powertoolsLayer`), its own log group with a retention, Powertools'
 * service name, active X-Ray tracing. Its role may write to that log group only (no
 * `AWSLambdaBasicExecutionRole`, whose `logs:*` actions apply to every log group) and send
 * traces (X-Ray's actions take no resource: `*`). Environment variables and grants are added
 * by the caller. The resource records its entry (`ENTRY_METADATA_KEY`) for the local runtime.
 *
 * @example
 * const { fn } = new ChatFunction(this, 'Message', { entry: path.join(__dirname, '..', 'lambdas/handlers/message.ts'), description: '$default' });
 * fn.addEnvironment('TABLE_NAME', table.tableName);
 */
export class ChatFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  /** The execution role; the caller's grants land in its default policy. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ChatFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_FUNCTION_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup: this.logGroup,
      role: this.role,
      tracing: props.tracing ?? Tracing.ACTIVE,
      layers: [powertoolsLayer(this)],
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        logLevel: LogLevel.WARNING,
        // The runtime provides the AWS SDK, the layer Powertools; Nest's lazy extras are never used.
        externalModules: [...PROVIDED_MODULES, ...NEST_LAZY_MODULES],
        esbuildArgs: Object.fromEntries(
          Object.entries(BUNDLE_ALIASES).map(([name, path]) => [`--alias:${name}`, path]),
        ),
        ...(props.decoratorMetadata ? { commandHooks: decoratorMetadataHooks(props.entry) } : {}),
      },
    });
    (this.fn.node.defaultChild as CfnFunction).addMetadata(
      ENTRY_METADATA_KEY,
      relative(appRootOf(props.entry), props.entry),
    );
  }
}

/** Command hooks that replace esbuild's bundle of `entry` with one carrying decorator metadata. */
function decoratorMetadataHooks(entry: string) {
  const root = appRootOf(entry);
  const script = join(root, 'local', 'lambda', 'bundle-with-decorator-metadata.ts');
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  return {
    beforeBundling: (): string[] => [],
    beforeInstall: (): string[] => [],
    afterBundling: (_inputDir: string, outputDir: string): string[] => [
      `cd ${quote(root)} && npx --no-install tsx ${quote(script)} ${quote(entry)} ${quote(join(outputDir, 'index.js'))}`,
    ],
  };
}

/** The nearest directory above `file` holding `cdk.json` (the file's own directory if none). */
function appRootOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'cdk.json'))) return dir;
    if (dirname(dir) === dir) return dirname(file);
  }
}
