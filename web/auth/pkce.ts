/**
 * A PKCE pair (RFC 7636): a random `verifier` kept by the page and its S256 `challenge` sent
 * with the authorization request.
 *
 * @example
 * const { verifier, challenge } = await createPkcePair();
 */
export async function createPkcePair(
  cryptoApi: Crypto = globalThis.crypto,
): Promise<{ verifier: string; challenge: string }> {
  const verifier = randomString(cryptoApi);
  const digest = await cryptoApi.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64Url(new Uint8Array(digest)) };
}

/** 32 random bytes, base64url: a verifier, a `state`. */
export function randomString(cryptoApi: Crypto = globalThis.crypto): string {
  return base64Url(cryptoApi.getRandomValues(new Uint8Array(32)));
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
