/**
 * A local emulator of API Gateway WebSocket APIs (and of Lambda's Invoke API) that runs the
 * Lambda handlers in this process.
 *
 * @example
 * const gateway = await startGateway({ port: 3001 });
 * gateway.register(await loadHandlers({ tableName, dynamoDbEndpoint, managementUrl: gateway.managementUrl, lambdaUrl: gateway.lambdaUrl }));
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
export { handlerEnvironment, LOCAL_AWS, loadHandlers } from './load-handlers';
export { consoleLogger, type GatewayLogger, silentLogger } from './logger';
export { type Gateway, startGateway } from './websocket-gateway';
