import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendAwsError, sendEmpty, sendJson } from './http-io';
import { type HttpRoute, pathSegments } from './http-route';
import type { LambdaEnvironment } from './lambda-context';
import type { InvokeOptions, LambdaRunner } from './lambda-runner';

/** Lambda's payload limits: 6 MB for RequestResponse, 1 MB for Event invocations. */
const SYNC_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
const ASYNC_PAYLOAD_LIMIT_BYTES = 1024 * 1024;
const API_VERSION = '2015-03-31';

export interface LambdaInvokeApiOptions {
  readonly runner: LambdaRunner;
  readonly environment: LambdaEnvironment;
  /** Answers 403 (and true) to a request whose `Host` is not this machine (`loopbackHostCheck`). */
  readonly refuseForeignHost: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/**
 * The part of Lambda's API that `InvokeCommand` of `@aws-sdk/client-lambda` uses:
 * `POST /2015-03-31/functions/{FunctionName}/invocations`. `X-Amz-Invocation-Type: Event`
 * answers 202 and runs the function in the background (with Lambda's retries);
 * `RequestResponse` (the default) answers 200 with the JSON result, or with
 * `X-Amz-Function-Error: Unhandled` and the error; `DryRun` answers 204. An unknown function
 * gives 404 `ResourceNotFoundException`. The function name may be a name or an ARN. A request
 * whose `Host` is not this machine is refused with 403 (DNS-rebinding defence).
 *
 * @example
 * const route = createLambdaInvokeApi({ runner, environment });
 * // new LambdaClient({ endpoint: 'http://127.0.0.1:3001' }).send(new InvokeCommand({ FunctionName: 'worker', InvocationType: 'Event', Payload }))
 */
export function createLambdaInvokeApi(options: LambdaInvokeApiOptions): HttpRoute {
  const { runner, environment } = options;
  return async (req, res) => {
    const segments = pathSegments(req.url);
    if (
      req.method !== 'POST' ||
      segments?.length !== 4 ||
      segments[0] !== API_VERSION ||
      segments[1] !== 'functions' ||
      segments[3] !== 'invocations'
    ) {
      return false;
    }
    if (options.refuseForeignHost(req, res)) return true;
    const name = functionNameOf(segments[2] as string);
    const invocationType = header(req.headers['x-amz-invocation-type']) ?? 'RequestResponse';
    const limit = invocationType === 'Event' ? ASYNC_PAYLOAD_LIMIT_BYTES : SYNC_PAYLOAD_LIMIT_BYTES;
    const body = await readBody(req, limit);
    if (!runner.has(name)) {
      const arn = `arn:aws:lambda:${environment.region}:${environment.accountId}:function:${name}`;
      sendAwsError(res, 404, 'ResourceNotFoundException', `Function not found: ${arn}`, {
        Type: 'User',
      });
      return true;
    }
    if (body === undefined) {
      sendAwsError(
        res,
        413,
        'RequestTooLargeException',
        `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
        { Type: 'User' },
      );
      return true;
    }
    const event = parsePayload(body);
    if (event === INVALID) {
      sendAwsError(
        res,
        400,
        'InvalidRequestContentException',
        'Could not parse request body into json',
        { Type: 'User' },
      );
      return true;
    }
    const traceHeader = header(req.headers['x-amzn-trace-id']);
    const invoke: InvokeOptions = traceHeader === undefined ? {} : { traceHeader };
    if (invocationType === 'Event') {
      runner.invokeAsync(name, event, invoke);
      sendEmpty(res, 202);
    } else if (invocationType === 'DryRun') {
      sendEmpty(res, 204);
    } else if (invocationType === 'RequestResponse') {
      await respondWithResult(res, runner, name, event, invoke);
    } else {
      sendAwsError(
        res,
        400,
        'InvalidParameterValueException',
        `Unsupported invocation type: ${invocationType}`,
        { Type: 'User' },
      );
    }
    return true;
  };
}

async function respondWithResult(
  res: Parameters<HttpRoute>[1],
  runner: LambdaRunner,
  name: string,
  event: unknown,
  options: InvokeOptions,
): Promise<void> {
  const executed = { 'X-Amz-Executed-Version': '$LATEST' };
  const outcome = await runner.invoke(name, event, options);
  if (outcome.kind === 'result') {
    sendJson(res, 200, outcome.value ?? null, executed);
    return;
  }
  const failure = { ...executed, 'X-Amz-Function-Error': 'Unhandled' };
  if (outcome.kind === 'error') {
    const error = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
    sendJson(
      res,
      200,
      {
        errorType: error.name,
        errorMessage: error.message,
        trace: (error.stack ?? '').split('\n'),
      },
      failure,
    );
  } else if (outcome.kind === 'timeout') {
    const seconds = (outcome.timeoutMs / 1000).toFixed(2);
    sendJson(
      res,
      200,
      { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` },
      failure,
    );
  } else {
    sendAwsError(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`, {
      Type: 'User',
    });
  }
}

const INVALID = Symbol('invalid payload');

/** An empty payload is `{}`, as Lambda passes it. */
function parsePayload(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return INVALID;
  }
}

/** `worker`, `worker:$LATEST`, `arn:aws:lambda:…:function:worker[:qualifier]` → `worker`. */
function functionNameOf(identifier: string): string {
  const parts = identifier.split(':');
  const functionIndex = parts.indexOf('function');
  if (functionIndex >= 0) return parts[functionIndex + 1] ?? identifier;
  return parts[0] ?? identifier;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
