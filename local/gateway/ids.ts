import { randomBytes, randomUUID } from 'node:crypto';

/** 11 random bytes give 15 base64 characters and the `=` of padding, like API Gateway's ids. */
const ID_BYTES = 11;
/** Both alphabets: ids in public AWS logs contain `-` (base64url); which one AWS uses is unverified. */
const ID_PATTERN = /^[A-Za-z0-9+/_-]{15}=$/;
const API_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const API_ID_LENGTH = 10;

/**
 * A new id in API Gateway's format for `connectionId`, `requestId`, `messageId` and
 * `extendedRequestId`: 15 base64url characters (`-` and `_`, as in ids seen in AWS logs such
 * as `JC1dgf9yoAMCK-g=`) and a final `=`.
 *
 * @example
 * newGatewayId(); // 'JC1dgf9yoAMCK-g='
 */
export function newGatewayId(): string {
  return `${randomBytes(ID_BYTES).toString('base64url')}=`;
}

/**
 * Whether `value` has the shape of an API Gateway connection id, in the base64 or the
 * base64url alphabet.
 *
 * @example
 * isGatewayId('R1kmxc2VNjMCFIA='); // true
 * isGatewayId('JC1dgf9yoAMCK-g='); // true
 * isGatewayId('abc'); // false
 */
export function isGatewayId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/**
 * A new API id: 10 lowercase letters and digits, as in `{apiId}.execute-api.{region}.amazonaws.com`.
 *
 * @example
 * newApiId(); // 'a1b2c3d4e5'
 */
export function newApiId(): string {
  const bytes = randomBytes(API_ID_LENGTH);
  return Array.from(bytes, (byte) => API_ID_ALPHABET[byte % API_ID_ALPHABET.length]).join('');
}

/**
 * A new Lambda request id (a UUID), as in `context.awsRequestId`.
 *
 * @example
 * newLambdaRequestId(); // 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'
 */
export function newLambdaRequestId(): string {
  return randomUUID();
}
