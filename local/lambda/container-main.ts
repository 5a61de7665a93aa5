/**
 * The process of one Lambda container (spawned by `Container`): loads the handler module once
 * (the init phase), then serves one invocation at a time. Between invocations it sits in a
 * blocking read of the next one, so its event loop is stopped: timers, requests and promises a
 * handler left behind do not progress until the next invocation, as on Lambda.
 *
 * Arguments: `<module> <export name> <function name> <memory MB> <source>`: the module is the
 * handler's bundle, the source the file it was bundled from (named in errors).
 */
import { readSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { createLambdaContext } from '../gateway/lambda-context';
import { callHandler, type LambdaHandler } from '../gateway/lambda-handler';
import {
  ANSWER_FD,
  type AnswerLine,
  INVOKE_FD,
  type InvokeLine,
  serializeError,
} from './container-protocol';
import { PendingWork } from './pending-work';
import { invocationTraceHeader } from './trace-header';

const [modulePath, exportName, functionName, memoryText, source] = process.argv.slice(2);
const environment = {
  region: process.env.AWS_REGION ?? 'us-east-1',
  accountId: process.env.APIGW_CHAT_LOCAL_ACCOUNT_ID ?? '123456789012',
  memoryMb: Number(memoryText),
};
const work = new PendingWork();
/** Active tracing (`function-specs.ts` points the X-Ray SDK at a local daemon). */
const traced = process.env.AWS_XRAY_DAEMON_ADDRESS !== undefined;
let buffered = '';

/** Writes one line and returns only once it is written: nothing else runs meanwhile. */
function answer(line: AnswerLine): void {
  const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(ANSWER_FD, bytes, offset);
}

/** Blocks until the next invocation arrives; exits when the runtime is gone. */
function nextInvocation(): InvokeLine {
  const chunk = Buffer.alloc(64 * 1024);
  for (;;) {
    const newline = buffered.indexOf('\n');
    if (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      return JSON.parse(line) as InvokeLine;
    }
    const read = readSync(INVOKE_FD, chunk);
    if (read === 0) process.exit(0);
    buffered += chunk.toString('utf8', 0, read);
  }
}

async function loadHandler(): Promise<LambdaHandler> {
  const loaded = (
    modulePath?.endsWith('.mjs')
      ? await import(pathToFileURL(modulePath).href)
      : require(modulePath as string)
  ) as Record<string, unknown>;
  const handler = loaded[exportName as string];
  if (typeof handler !== 'function') {
    throw new Error(`${source ?? modulePath} does not export a function named ${exportName}`);
  }
  return handler as LambdaHandler;
}

/** With `callbackWaitsForEmptyEventLoop` (callback handlers), Lambda answers once nothing is pending. */
async function emptyEventLoop(): Promise<void> {
  while (work.ioRunning()) await new Promise((resolve) => setTimeout(resolve, 5));
}

type Outcome = Extract<AnswerLine, { type: 'done' }>['outcome'];

function serve(handler: LambdaHandler): void {
  const invocation = nextInvocation();
  // Settled by the handler's outcome; created before tracking starts, so not counted as pending.
  let settle: (outcome: Outcome) => void = () => undefined;
  const settled = new Promise<Outcome>((resolve) => {
    settle = resolve;
  });
  void settled.then((outcome) => {
    answer({
      type: 'done',
      awsRequestId: invocation.awsRequestId,
      outcome,
      pending: work.pending(),
      memoryUsedMb: Math.round(process.memoryUsage.rss() / (1024 * 1024)),
    });
    // Frozen here, in the blocking read of the next invocation.
    serve(handler);
  });
  // Lambda sets the invocation's trace header before calling the handler.
  if (traced) process.env._X_AMZN_TRACE_ID = invocationTraceHeader(invocation.traceHeader);
  work.begin();
  let context: Context | undefined;
  callHandler(handler, invocation.event, (complete) => {
    context = createLambdaContext({
      functionName: functionName as string,
      environment,
      deadline: invocation.deadline,
      awsRequestId: invocation.awsRequestId,
      complete,
    });
    return context;
  }).then(
    (value) => {
      // Callback-style handlers: Lambda answers once the event loop is empty, unless told not to.
      if (handler.length >= 3 && context?.callbackWaitsForEmptyEventLoop) {
        void emptyEventLoop().then(() => settle({ kind: 'result', value }));
      } else {
        settle({ kind: 'result', value });
      }
    },
    (error: unknown) => settle({ kind: 'error', error: serializeError(error) }),
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  let handler: LambdaHandler;
  try {
    handler = await loadHandler();
  } catch (error) {
    answer({ type: 'init-error', error: serializeError(error) });
    process.exit(1);
  }
  answer({ type: 'ready', initMs: Math.round(performance.now() - started) });
  serve(handler);
}

void main();
