import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { HttpRoute } from '../gateway';
import { readBody } from '../gateway/http-io';
import { ISSUER_PATH } from './issuer-settings';
import type { LocalAccounts } from './local-accounts';
import { issuerPage, NAME_FIELD, signInPage } from './sign-in-page';

/** A sign-in form is a name: a few hundred bytes at most. */
const FORM_LIMIT_BYTES = 4 * 1024;

const INTERACTION = new RegExp(`^${ISSUER_PATH}/interaction/([A-Za-z0-9_-]{1,64})(/login)?$`);

/**
 * Where the issuer sends the browser to sign in (`interactions.url`).
 *
 * @example
 * interactionPath('abc'); // '/oidc/interaction/abc'
 */
export function interactionPath(uid: string): string {
  return `${ISSUER_PATH}/interaction/${uid}`;
}

/**
 * The issuer's sign-in interaction: `GET /oidc/interaction/<uid>` shows the pick-a-name
 * page, `POST /oidc/interaction/<uid>/login` signs in with the name and hands the browser
 * back to the authorization request. Any other path is not its.
 *
 * @example
 * const route = createSignInRoute(provider, accounts);
 */
export function createSignInRoute(provider: Provider, accounts: LocalAccounts): HttpRoute {
  return async (req, res) => {
    const match = INTERACTION.exec((req.url ?? '/').split('?')[0] as string);
    if (!match) return false;
    const [, uid, login] = match as unknown as [string, string, string | undefined];
    const details = await provider.interactionDetails(req, res).catch(() => undefined);
    if (!details || details.uid !== uid) {
      sendHtml(
        res,
        400,
        issuerPage('Sign-in expired', '<p>Go back to the chat page and sign in again.</p>'),
      );
      return true;
    }
    const client = String(details.params.client_id ?? 'the chat');
    const action = `${interactionPath(uid)}/login`;
    if (!login) {
      if (req.method !== 'GET') return false;
      sendHtml(res, 200, signInPage({ action, client }));
      return true;
    }
    if (req.method !== 'POST') return false;
    const name = await readName(req);
    const accountId = name === undefined ? undefined : accounts.signIn(name);
    if (accountId === undefined) {
      const error = 'Pick a name with at least one letter or digit.';
      sendHtml(res, 400, signInPage({ action, client, error, name: name ?? '' }));
      return true;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
    return true;
  };
}

/** The `name` field of a urlencoded form, or `undefined` when the body is too big or lacks it. */
async function readName(req: IncomingMessage): Promise<string | undefined> {
  const type = req.headers['content-type'] ?? '';
  const body = await readBody(req, FORM_LIMIT_BYTES);
  if (body === undefined || !type.startsWith('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(body.toString('utf8')).get(NAME_FIELD) ?? undefined;
}

function sendHtml(res: ServerResponse, statusCode: number, html: string): void {
  res.writeHead(statusCode, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
  });
  res.end(html);
}
