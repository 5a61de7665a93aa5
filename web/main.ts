/**
 * The chat page's entry point (bundled by web/build.ts into dist/web/main.js): reads
 * config.json (where to sign in; the deployed stage), signs in with the issuer it names, and
 * connects to `?ws=<url>` (on a page served from localhost only), else to the deployed stage,
 * else to the gateway that served the page.
 */

import type { PageConfig } from '../definitions/page-config';
import { AuthSession } from './auth/auth-session';
import { showSignIn } from './auth/sign-in-controls';
import { ChatPage } from './chat-page';
import { findElements } from './elements';
import { readPageConfig } from './page-config';
import type { TokenSource } from './page-socket';
import { resolveSocketUrl } from './socket-url';

const ui = findElements(document);
ui.connect.disabled = true; // until the URL is known; ChatPage.start() enables it

/** Signs in when config.json names an issuer; a failure is shown and leaves the page signed out. */
async function tokenSource(config: PageConfig | undefined): Promise<TokenSource> {
  const account = document.getElementById('account');
  if (!config?.signIn) {
    if (account) account.textContent = 'No sign-in: everyone connects as a guest';
    return () => undefined;
  }
  try {
    const session = await AuthSession.start(config.signIn, {
      location: window.location,
      history: window.history,
      storage: window.sessionStorage,
      fetch: (url, init) => fetch(url, { ...init, cache: 'no-store' }),
    });
    showSignIn(document, session, ui.name, ui.sessionForm);
    return () => session.token();
  } catch (error) {
    if (account) account.textContent = error instanceof Error ? error.message : String(error);
    return () => undefined;
  }
}

void (async () => {
  const config = await readPageConfig((file) => fetch(file, { cache: 'no-cache' }));
  const tokens = await tokenSource(config);
  new ChatPage(ui, resolveSocketUrl(window.location, config), tokens).start();
})();
