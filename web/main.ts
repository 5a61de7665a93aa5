/**
 * The chat page's entry point (bundled by web/build.ts into dist/web/main.js): connects to
 * `?ws=<url>`, else to the deployed stage named in config.json, else to the gateway that served
 * the page.
 */
import { ChatPage } from './chat-page';
import { findElements } from './elements';
import { readPageConfig } from './page-config';
import { pageTokenSource } from './page-socket';
import { resolveSocketUrl } from './socket-url';

const ui = findElements(document);
ui.connect.disabled = true; // until the URL is known; ChatPage.start() enables it
void readPageConfig((file) => fetch(file, { cache: 'no-cache' })).then((config) =>
  new ChatPage(
    ui,
    resolveSocketUrl(window.location, config),
    pageTokenSource(window.location.search, (path) => fetch(path, { cache: 'no-store' })),
  ).start(),
);
