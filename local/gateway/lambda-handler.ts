import type { Context } from 'aws-lambda';

/** The callback of callback-style handlers. */
export type LambdaCallback = (error?: unknown, result?: unknown) => void;

/**
 * A Lambda handler function, async (`async (event, context) => result`) or callback style.
 * Declared as a method type so handlers with a narrower event type are accepted.
 *
 * @example
 * const handler: LambdaHandler = async (event: APIGatewayProxyWebsocketEventV2) => ({ statusCode: 200 });
 */
export type LambdaHandler = {
  handle(event: unknown, context: Context, callback: LambdaCallback): unknown;
}['handle'];

/**
 * Runs a handler the way the Node.js runtime does: the result is the resolved promise, the
 * value passed to the callback or to `context.done`/`succeed`, or a plain return value.
 *
 * @example
 * const result = await callHandler(handler, event, (complete) => createLambdaContext({ ..., complete }));
 */
export function callHandler(
  handler: LambdaHandler,
  event: unknown,
  createContext: (complete: LambdaCallback) => Context,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const complete: LambdaCallback = (error, result) =>
      error === null || error === undefined ? resolve(result) : reject(error);
    try {
      const returned = handler(event, createContext(complete), complete);
      if (isPromiseLike(returned)) returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
