/**
 * The one definition of the WebSocket API shared by the CDK stack (`lib/chat-stack.ts`)
 * and the local emulator (`local/`): which routes exist, which Lambda or MOCK answers each,
 * which are two-way, and which environment variables the functions read.
 * Plain data, no CDK imports, so the Lambda bundles and the emulator can load it cheaply.
 *
 * @example
 * const route = ROUTES.find((r) => r.routeKey === '$default');
 */

/** Where API Gateway finds the route key in a message body. */
export const ROUTE_SELECTION_EXPRESSION = '$request.body.action';

/** The Lambda functions of the chat, by logical name. `entry` is relative to the repo root. */
export const LAMBDA_FUNCTIONS = {
  connect: {
    entry: 'lambdas/handlers/connect.ts',
    description: '$connect: middleware, connection record, connection hook',
  },
  disconnect: {
    entry: 'lambdas/handlers/disconnect.ts',
    description: '$disconnect: removes the connection and its memberships',
  },
  message: {
    entry: 'lambdas/handlers/message.ts',
    description: '$default: every client event, acks in the route response',
  },
  deliver: {
    entry: 'lambdas/handlers/deliver.ts',
    description: 'Asynchronous worker: frames for a connection whose $connect had not returned yet',
  },
} as const;

export type FunctionName = keyof typeof LAMBDA_FUNCTIONS;

export type RouteIntegration =
  | { readonly type: 'lambda'; readonly function: FunctionName }
  | { readonly type: 'mock'; readonly responseBody: string };

export interface RouteDefinition {
  readonly routeKey: string;
  readonly integration: RouteIntegration;
  /** Two-way route: the integration's `body` is sent back to the caller as one frame. */
  readonly returnResponse: boolean;
}

/** Every route of the API. */
export const ROUTES: readonly RouteDefinition[] = [
  {
    routeKey: '$connect',
    integration: { type: 'lambda', function: 'connect' },
    returnResponse: false,
  },
  {
    routeKey: '$disconnect',
    integration: { type: 'lambda', function: 'disconnect' },
    returnResponse: false,
  },
  {
    routeKey: '$default',
    integration: { type: 'lambda', function: 'message' },
    returnResponse: true,
  },
  {
    routeKey: 'ping',
    integration: { type: 'mock', responseBody: '{"event":"pong"}' },
    returnResponse: true,
  },
];

/** Environment variables the functions read; the stack and the emulator both set them. */
export const ENV = {
  tableName: 'TABLE_NAME',
  callbackUrl: 'CALLBACK_URL',
  deliverFunctionName: 'DELIVER_FUNCTION_NAME',
} as const;

/** Which functions need which environment variables. */
export const FUNCTION_ENV: Record<FunctionName, readonly (keyof typeof ENV)[]> = {
  connect: ['tableName', 'callbackUrl', 'deliverFunctionName'],
  disconnect: ['tableName', 'callbackUrl'],
  message: ['tableName', 'callbackUrl'],
  deliver: ['tableName', 'callbackUrl'],
};
