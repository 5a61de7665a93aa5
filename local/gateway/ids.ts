import { randomBytes, randomUUID } from 'node:crypto';

/** 11 random bytes give a 16-character base64 string ending in `=`, like API Gateway's ids. */
const ID_BYTES = 11;
const ID_PATTERN = /^[A-Za-z0-9+/]{15}=$/;
const API_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const API_ID_LENGTH = 10;

/**
 * A new id in API Gateway's format for `connectionId`, `requestId`, `messageId` and
 * `extendedRequestId`: 16 base64 characters, the last one `=`.
 *
 * @example
 * newGatewayId(); // 'R1kmxc2VNjMCFIA='
 */
export function newGatewayId(): string {
  return randomBytes(ID_BYTES).toString('base64');
}

/**
 * Whether `value` has the shape of an API Gateway connection id.
 *
 * @example
 * isGatewayId('R1kmxc2VNjMCFIA='); // true
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
