/**
 * The file the CDK stack writes next to the chat page (`lib/web-hosting.ts`) and the page
 * reads (`web/socket-url.ts`) to find the deployed stage; absent locally.
 *
 * @example
 * Source.jsonData(PAGE_CONFIG_FILE, { webSocketUrl } satisfies PageConfig);
 */
export const PAGE_CONFIG_FILE = 'config.json';

/** The content of `PAGE_CONFIG_FILE`. */
export interface PageConfig {
  /** The wss:// URL of the deployed stage. */
  readonly webSocketUrl: string;
}
