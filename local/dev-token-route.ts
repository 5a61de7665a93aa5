import type { HttpRoute } from './gateway';
import { devToken } from './local-auth';

/** The path of the local runtime's token endpoint (secret mode only; never part of the stack). */
export const DEV_TOKEN_PATH = '/dev-token';

const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * `GET /dev-token?user=<id>[&name=<display name>]` → `{"token": "…"}`: a token signed with
 * the local secret, for the chat page's Name field. It hands a token to anyone who can reach
 * the (loopback) gateway: secret mode locally proves the token path works end to end, not who
 * you are. `npm start -- --anonymous` does not serve it.
 *
 * @example
 * const { token } = await (await fetch('http://localhost:3001/dev-token?user=ann&name=Ann')).json();
 */
export function createDevTokenRoute(secret: string): HttpRoute {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== DEV_TOKEN_PATH) return false;
    const user = url.searchParams.get('user') ?? '';
    const name = url.searchParams.get('name')?.trim().slice(0, 64) || undefined;
    const reply = (statusCode: number, body: unknown): true => {
      const text = JSON.stringify(body);
      res.writeHead(statusCode, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
      return true;
    };
    if (req.method !== 'GET') return reply(405, { message: 'Use GET' });
    if (!USER_ID.test(user)) {
      return reply(400, { message: 'user must be 1-64 characters of letters, digits and _ . @ -' });
    }
    return reply(200, { token: await devToken(secret, user, name) });
  };
}
