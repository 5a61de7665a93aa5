import type { IncomingMessage, ServerResponse } from 'node:http';
import { newLambdaRequestId } from './ids';

/**
 * Reads a request body up to `limitBytes`; resolves `undefined` when it is larger (the rest
 * is drained so the client can read the answer), rejects when the request closes first.
 * Event listeners rather than `for await`: the stream's async iterator costs every post to
 * `@connections` a few microseconds more.
 *
 * @example
 * const body = await readBody(req, 128 * 1024);
 * if (body === undefined) return sendAwsError(res, 413, 'PayloadTooLargeException', 'Request too large');
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > limitBytes ? undefined : Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('The request closed before its body was read'));
    });
  });
}

/**
 * Answers with a JSON body and an `x-amzn-RequestId`.
 *
 * @example
 * sendJson(res, 200, { connectedAt: '2024-01-20T11:55:00.000Z' });
 */
export function sendJson(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body) ?? 'null';
  res.writeHead(statusCode, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': newLambdaRequestId(),
    ...headers,
  });
  res.end(text);
}

/**
 * Answers with an AWS error: the type in `x-amzn-ErrorType` (from which the SDK names the
 * error) and `{"message": …}` in the body.
 *
 * @example
 * sendAwsError(res, 410, 'GoneException', 'Connection is gone');
 */
export function sendAwsError(
  res: ServerResponse,
  statusCode: number,
  errorType: string,
  message: string,
  body: Record<string, unknown> = {},
): void {
  sendJson(res, statusCode, { message, ...body }, { 'x-amzn-ErrorType': errorType });
}

/**
 * Answers with no body.
 *
 * @example
 * sendEmpty(res, 204);
 */
export function sendEmpty(
  res: ServerResponse,
  statusCode: number,
  headers: Record<string, string> = {},
): void {
  res.writeHead(statusCode, {
    'Content-Length': 0,
    'x-amzn-RequestId': newLambdaRequestId(),
    ...headers,
  });
  res.end();
}
