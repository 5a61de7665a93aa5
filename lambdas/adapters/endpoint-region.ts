const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * The region in an API Gateway default endpoint's host name, or `undefined` for other hosts
 * (custom domains, the local runtime): the region to sign `@connections` calls for.
 *
 * @example
 * regionOfEndpoint('https://abc123.execute-api.eu-west-1.amazonaws.com/prod'); // 'eu-west-1'
 */
export function regionOfEndpoint(endpoint: string): string | undefined {
  try {
    return EXECUTE_API_HOST.exec(new URL(endpoint).hostname)?.[1];
  } catch {
    return undefined;
  }
}
