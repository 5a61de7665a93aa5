import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { LOCAL_AWS } from '../../local/gateway';

/**
 * `fetch` with a SigV4 signature for `execute-api`, made with the local runtime's credentials
 * (the emulator's `@connections` API refuses unsigned calls, as AWS does). The path is sent
 * and signed as written.
 *
 * @example
 * const response = await signedFetch(`${gateway.managementUrl}/@connections/${encodeURIComponent(id)}`, { method: 'DELETE' });
 */
export async function signedFetch(
  url: string,
  init: { readonly method?: string; readonly body?: string } = {},
): Promise<Response> {
  const target = new URL(url);
  const signer = new SignatureV4({
    credentials: LOCAL_AWS.credentials,
    region: LOCAL_AWS.region,
    service: 'execute-api',
    sha256: Sha256,
  });
  const path = url.slice(target.origin.length).split('?')[0] as string;
  const signed = await signer.sign({
    method: init.method ?? 'GET',
    protocol: target.protocol,
    hostname: target.hostname,
    path,
    query: Object.fromEntries(target.searchParams),
    headers: { host: target.host },
    body: init.body,
  });
  return fetch(url, {
    method: init.method ?? 'GET',
    headers: signed.headers as Record<string, string>,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
}
