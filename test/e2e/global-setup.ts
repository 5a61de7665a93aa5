import { buildClient } from '../../client/build';
import { buildWeb } from '../../web/build';

/**
 * Builds the client and the chat page once, before the browser test files start (in parallel
 * workers that would otherwise rewrite dist/web under each other's pages).
 */
export default async function globalSetup(): Promise<void> {
  await buildClient();
  await buildWeb({ logLevel: 'silent' });
}
