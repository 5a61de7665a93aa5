import { Agent, request } from 'node:http';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import {
  ManagementApiPoster,
  managementApiClientConfig,
} from '../../lambdas/adapters/management-api-poster';
import { SignedConnectionPoster } from '../../lambdas/adapters/signed-connection-poster';
import type { ConnectionPoster } from '../../lambdas/core/ports';
import type { SocketId } from '../../lambdas/core/types';

/** What the fan-out keeps in flight (`FanOut`'s default concurrency). */
export const IN_FLIGHT = 64;
/**
 * Posts before measuring: sockets opened and the code compiled by the optimising JIT, as in
 * a warm container (after 2,000 posts the lean path still costs twice its steady CPU).
 */
export const WARM_UP_POSTS = 20_000;
/** A room message as the chat posts it. */
export const FRAME = JSON.stringify({
  event: 'chat',
  data: { room: 'lobby', user: { id: 'u1', name: 'Ann' }, text: 'hello, room' },
  meta: { seq: 42, at: 1_764_806_400_000 },
});
export const CONNECTION_ID = 'R1kmxc2VNjMCFIA=' as SocketId;
const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };

/** A way to post, built against the server's endpoint; `close` frees its sockets. */
export interface PosterUnderTest {
  readonly id: string;
  readonly name: string;
  /**
   * Runs in a process traced as Lambda traces a function with active tracing
   * (`lambdaXRayEnvironment`, a trace header, a local daemon): its posts run inside one
   * subsegment, as a fan-out's do.
   */
  readonly traced?: boolean;
  build(endpoint: string): Promise<{ poster: ConnectionPoster; close(): void }>;
}

/** The chat functions' poster: signed with their signer, over a keep-alive agent. */
function leanPoster(endpoint: string): { poster: ConnectionPoster; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const poster = new SignedConnectionPoster({
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    agent,
  });
  return { poster, close: () => agent.destroy() };
}

/** The posters the `post-cpu` suite compares. */
export const POSTERS: readonly PosterUnderTest[] = [
  {
    id: 'sdk',
    name: 'SDK client (`ManagementApiPoster`, `PostToConnectionCommand`)',
    async build(endpoint) {
      const client = new ApiGatewayManagementApiClient({
        ...managementApiClientConfig,
        region: REGION,
        credentials: CREDENTIALS,
        endpoint,
      });
      return { poster: new ManagementApiPoster({ client }), close: () => client.destroy() };
    },
  },
  {
    id: 'lean',
    name: 'lean: own SigV4 over keep-alive `node:http` (`SignedConnectionPoster`)',
    async build(endpoint) {
      return leanPoster(endpoint);
    },
  },
  {
    id: 'lean-traced',
    name: 'lean, traced as deployed (X-Ray SDK in its Lambda mode, the posts in one subsegment)',
    traced: true,
    async build(endpoint) {
      // Loaded here only: the X-Ray SDK's context tracking would tax the untraced rows too.
      const { Tracer } = await import('@aws-lambda-powertools/tracer');
      const tracer = new Tracer({ serviceName: 'post-cpu', captureHTTPsRequests: false });
      const segment = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
      if (segment === undefined) throw new Error('lean-traced needs the Lambda X-Ray environment');
      const subsegment = segment.addNewSubsegment('## post-cpu');
      tracer.setSegment(subsegment);
      const { poster, close } = leanPoster(endpoint);
      return {
        poster,
        close: () => {
          subsegment.close();
          close();
        },
      };
    },
  },
  {
    id: 'floor',
    name: 'floor: unsigned keep-alive POST (no signature, no retries)',
    async build(endpoint) {
      const agent = new Agent({ keepAlive: true, maxSockets: 128 });
      const url = new URL(`${endpoint}/@connections/${encodeURIComponent(CONNECTION_ID)}`);
      const poster: ConnectionPoster = {
        post: (_id, frame) =>
          new Promise((resolve, reject) => {
            const req = request(url, { method: 'POST', agent }, (res) => {
              res.resume();
              res.on('end', () => resolve('delivered'));
            });
            req.on('error', reject);
            req.end(frame);
          }),
      };
      return { poster, close: () => agent.destroy() };
    },
  },
];
