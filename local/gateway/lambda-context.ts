import type { Context } from 'aws-lambda';
import { newLambdaRequestId } from './ids';

/** Where the emulated functions pretend to run. */
export interface LambdaEnvironment {
  readonly region: string;
  readonly accountId: string;
  /** `context.memoryLimitInMB`, e.g. 128. */
  readonly memoryMb: number;
}

export interface LambdaContextOptions {
  readonly functionName: string;
  readonly environment: LambdaEnvironment;
  /** Epoch ms at which the invocation times out. */
  readonly deadline: number;
  /** What `done`, `succeed` and `fail` report (the deprecated pre-callback API). */
  readonly complete: (error: unknown, result?: unknown) => void;
  readonly awsRequestId?: string;
}

/**
 * A Lambda `context` object as the Node.js runtime passes it.
 *
 * @example
 * const context = createLambdaContext({ functionName: 'message', environment, deadline: Date.now() + 3000, complete });
 * context.getRemainingTimeInMillis(); // ~3000
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const { functionName, environment, deadline, complete } = options;
  const { region, accountId, memoryMb } = environment;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: options.awsRequestId ?? newLambdaRequestId(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: logStreamName(),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (error?: Error, result?: unknown) => complete(error ?? null, result),
    fail: (error: Error | string) => complete(error),
    succeed: (result: unknown) => complete(null, result),
  };
}

/** e.g. `2024/01/20/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0` */
function logStreamName(): string {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[$LATEST]${newLambdaRequestId().replaceAll('-', '')}`;
}
