/** `{api-id}.execute-api.{region}.amazonaws.com` (or `.amazonaws.com.cn`), the stage's own host. */
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * The region of an API Gateway endpoint, from its `execute-api` host name; `undefined` for any
 * other host (a custom domain, the local emulator), whose region must come from elsewhere.
 *
 * @example
 * executeApiRegion('https://abc123.execute-api.eu-west-1.amazonaws.com/prod'); // 'eu-west-1'
 */
export function executeApiRegion(endpoint: string): string | undefined {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return undefined;
  }
  return EXECUTE_API_HOST.exec(host)?.[1];
}
