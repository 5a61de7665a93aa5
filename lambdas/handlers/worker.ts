import type { Context } from 'aws-lambda';
import { LambdaCleanupDispatcher } from '../adapters/lambda-cleanup-dispatcher';
import { traceInvocation } from '../adapters/trace-invocation';
import { type CleanupPayload, WorkerPayload } from '../core/worker-payload';
import { chatHandler } from './chat-handler';
import { type ChatRuntime, defaultChatRuntime } from './chat-runtime';

/** Without a Lambda context (tests, scripts), a clean-up may take this long. */
const NO_CONTEXT_BUDGET_MS = 30_000;

/**
 * Asynchronous worker of three kinds of event:
 * - `after-connect` (or no `kind`): delivers, in order, the frames the connection hook sent
 *   to a socket whose `$connect` had not returned yet, retrying 410s until the socket is open;
 * - `shard`: posts one shard of a large broadcast with bounded concurrency and gone clean-up;
 * - `cleanup`: removes connections a post found gone (`Server.cleanUpGone`); what is left when
 *   time runs short is handed on to a new invocation of this function (by its own name).
 *
 * The invocation is traced (annotation `kind`) and its metrics are published, even on errors.
 *
 * @example
 * await handler({ connectionId: 'R1kmxc2VNjMCFIA=', frames: ['{"event":"hello","data":"hi","ns":"/"}'] });
 * await handler({ kind: 'shard', groups: [{ frame: '{"event":"chat","data":"hi","ns":"/"}', connectionIds: ['R1kmxc2VNjMCFIA='] }] });
 */
export function createWorkerHandler(runtime: () => ChatRuntime = defaultChatRuntime) {
  return chatHandler<WorkerPayload, void>(
    {
      event: WorkerPayload,
      invalidMessage: 'Invalid worker payload',
      invalid: () => undefined,
      handle: async (payload, runtime, context) => {
        const { server, tracer } = runtime;
        const kind = payload.kind ?? 'after-connect';
        await traceInvocation(tracer, 'worker', { kind }, () => {
          if (payload.kind === 'shard') return server.postShard(payload);
          if (payload.kind === 'cleanup') return cleanUp(payload, runtime, context);
          return server.postAfterConnect(payload.connectionId, payload.frames);
        });
      },
    },
    runtime,
  );
}

/** A clean-up bounded by the invocation's remaining time, continued by this same function. */
function cleanUp(payload: CleanupPayload, runtime: ChatRuntime, context: Context | undefined) {
  const started = Date.now();
  const remainingMs = context
    ? () => context.getRemainingTimeInMillis()
    : () => NO_CONTEXT_BUDGET_MS - (Date.now() - started);
  const continuation = new LambdaCleanupDispatcher({
    functionName: context?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'worker',
    client: runtime.lambda,
  });
  return runtime.server.cleanUpGone(payload, { remainingMs, continuation });
}

export const handler = createWorkerHandler();
