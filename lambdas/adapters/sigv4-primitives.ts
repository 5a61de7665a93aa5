import { createHash, createHmac } from 'node:crypto';

/** SigV4's algorithm, as the `Authorization` header and the string to sign name it. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * The key SigV4 derives from a secret for one day, region and service (four HMACs): callers
 * keep it for the day.
 *
 * @example
 * const key = sigV4SigningKey(secret, '20261204', 'eu-west-1', 'execute-api');
 */
export function sigV4SigningKey(
  secret: string,
  day: string,
  region: string,
  service: string,
): Buffer {
  let key = hmac(`AWS4${secret}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return key;
}

/**
 * The hex signature of a canonical request, made at `amzDate` (`YYYYMMDDTHHMMSSZ`) within
 * `scope` (`<day>/<region>/<service>/aws4_request`) with the day's derived key.
 *
 * @example
 * const signature = sigV4Signature(key, '20261204T134507Z', scope, canonicalRequest);
 */
export function sigV4Signature(
  key: Buffer,
  amzDate: string,
  scope: string,
  canonicalRequest: string,
): string {
  const stringToSign = `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/**
 * Hex SHA-256, as SigV4 hashes payloads and canonical requests.
 *
 * @example
 * sha256Hex(''); // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * RFC 3986 encoding, as SigV4 asks: `encodeURIComponent` plus `!'()*`.
 *
 * @example
 * escapeUri("a=b!"); // 'a%3Db%21'
 */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
