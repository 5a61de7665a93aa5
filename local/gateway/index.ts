/**
 * A local emulator of API Gateway WebSocket APIs (and of Lambda's Invoke API) that runs
 * Lambda handlers in this process (tests) or hosted functions in containers of their own
 * (`local/lambda/`, what the local runtime registers).
 *
 * @example
 * const gateway = await startGateway({ port: 3001, functions: { message: async (event) => ({ statusCode: 200 }) } });
 */
export type { RequestAuthorizerOptions } from './authorizer';
export type {
  AuthorizerContext,
  AuthorizerEvent,
  ConnectEvent,
  DisconnectEvent,
  MessageEvent,
  WebSocketRequestContext,
} from './events';
export type { GatewayFunctions, GatewayOptions } from './gateway-options';
export type { HttpRoute } from './http-route';
export type { LambdaHandler } from './lambda-handler';
export type { HostedFunction, RunnableFunction } from './lambda-runner';
export { LOCAL_AWS } from './local-aws';
export { consoleLogger, type GatewayLogger, silentLogger } from './logger';
export { loopbackHostCheck } from './loopback-host';
export { type Gateway, startGateway } from './websocket-gateway';
