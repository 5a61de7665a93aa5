/**
 * The chat page's entry point (bundled by web/build.ts into dist/web/main.js): connects to the
 * gateway that served the page, or to `?ws=<url>`.
 */
import { ChatPage } from './chat-page';
import { findElements } from './elements';
import { socketUrl } from './socket-url';

new ChatPage(findElements(document), socketUrl(window.location)).start();
