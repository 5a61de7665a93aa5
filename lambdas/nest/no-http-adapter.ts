import type { RequestMethod } from '@nestjs/common';
import { AbstractHttpAdapter } from '@nestjs/core';

const NO_HTTP = 'A gateway function serves no HTTP: API Gateway sends it WebSocket events only';

/**
 * Nest's HTTP adapter for an application that serves no HTTP: on Lambda behind a WebSocket
 * API, gateways are all a Nest application runs, and `NestFactory.create` needs an HTTP
 * adapter to set its gateways up. Nothing listens: HTTP controllers' routes are never served.
 *
 * @example
 * const app = await NestFactory.create(AppModule, new NoHttpAdapter(), { bodyParser: false });
 */
export class NoHttpAdapter extends AbstractHttpAdapter {
  close(): void {}
  initHttpServer(): void {}
  useStaticAssets(): never {
    throw new Error(NO_HTTP);
  }
  setViewEngine(): never {
    throw new Error(NO_HTTP);
  }
  getRequestHostname(): never {
    throw new Error(NO_HTTP);
  }
  getRequestMethod(): never {
    throw new Error(NO_HTTP);
  }
  getRequestUrl(): never {
    throw new Error(NO_HTTP);
  }
  status(): never {
    throw new Error(NO_HTTP);
  }
  reply(): never {
    throw new Error(NO_HTTP);
  }
  end(): never {
    throw new Error(NO_HTTP);
  }
  render(): never {
    throw new Error(NO_HTTP);
  }
  redirect(): never {
    throw new Error(NO_HTTP);
  }
  setErrorHandler(): void {}
  setNotFoundHandler(): void {}
  isHeadersSent(): never {
    throw new Error(NO_HTTP);
  }
  getHeader(): never {
    throw new Error(NO_HTTP);
  }
  setHeader(): never {
    throw new Error(NO_HTTP);
  }
  appendHeader(): never {
    throw new Error(NO_HTTP);
  }
  registerParserMiddleware(): void {}
  enableCors(): void {}
  createMiddlewareFactory(_method: RequestMethod): () => void {
    return () => {};
  }
  getType(): string {
    return 'none';
  }
  applyVersionFilter(): never {
    throw new Error(NO_HTTP);
  }
  // Routes of HTTP controllers are registered here: there are none to serve.
  override get(): void {}
  override post(): void {}
  override put(): void {}
  override delete(): void {}
  override patch(): void {}
  override all(): void {}
  override options(): void {}
  override head(): void {}
  override use(): void {}
}
