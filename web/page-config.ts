import { PAGE_CONFIG_FILE, PageConfig } from '../definitions/page-config';

/** Fetches a URL relative to the page; a narrow `fetch`. */
export type FetchPageFile = (url: string) => Promise<Pick<Response, 'ok' | 'json'>>;

/**
 * `PAGE_CONFIG_FILE`, or `undefined` when it cannot be fetched or is not a `PageConfig`.
 *
 * @example
 * const config = await readPageConfig((file) => fetch(file, { cache: 'no-cache' }));
 */
export async function readPageConfig(fetchFile: FetchPageFile): Promise<PageConfig | undefined> {
  try {
    const response = await fetchFile(PAGE_CONFIG_FILE);
    if (!response.ok) return undefined;
    const parsed = PageConfig.safeParse(await response.json());
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
