import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sha256Hex } from '../../lambdas/adapters/sigv4-primitives';
import { SigV4Signatures } from './sigv4-signature';

/** An access key the emulated `@connections` API knows, as IAM would. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Why API Gateway refuses a request with 403: the `x-amzn-ErrorType` and the body's message. */
export interface SignatureRefusal {
  readonly errorType: string;
  readonly message: string;
}

export interface SigV4CheckOptions {
  /** The region signatures must be scoped to (the API's). */
  readonly region: string;
  /** The access keys whose signatures are accepted. */
  readonly credentials: readonly SigningCredentials[];
  /** Clock in epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/** Checks one request: `undefined` when its signature holds, else why it is refused. */
export type SigV4Check = (req: IncomingMessage, body: Buffer) => SignatureRefusal | undefined;

const SERVICE = 'execute-api';
/** SigV4's rule: a signature is valid 15 minutes either side of its `X-Amz-Date`. */
const MAX_SKEW_MS = 15 * 60_000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const MISSING_TOKEN: SignatureRefusal = {
  errorType: 'MissingAuthenticationTokenException',
  message: 'Missing Authentication Token',
};
const INCOMPLETE: SignatureRefusal = {
  errorType: 'IncompleteSignatureException',
  message:
    "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters, and an 'X-Amz-Date' header.",
};
const UNKNOWN_KEY: SignatureRefusal = {
  errorType: 'UnrecognizedClientException',
  message: 'The security token included in the request is invalid.',
};
const MISMATCH: SignatureRefusal = {
  errorType: 'InvalidSignatureException',
  message:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
};

/**
 * IAM authorization of the `@connections` API, as API Gateway applies it: the request must
 * carry an `AWS4-HMAC-SHA256` Authorization header for `execute-api` in the API's region, by a
 * known access key, dated within 15 minutes, with `host` and `x-amz-date` among the signed
 * headers; the signature is recomputed (`SigV4Signatures`, as the SDK's signer computes it)
 * over the headers the client signed and the body.
 *
 * @example
 * const check = createSigV4Check({ region: 'us-east-1', credentials: [LOCAL_AWS.credentials] });
 * const refusal = check(req, body);
 * if (refusal) sendAwsError(res, 403, refusal.errorType, refusal.message);
 */
export function createSigV4Check(options: SigV4CheckOptions): SigV4Check {
  const secrets = new Map(
    options.credentials.map((credentials) => [credentials.accessKeyId, credentials]),
  );
  const now = options.now ?? Date.now;
  const signatures = new SigV4Signatures();
  return (req, body) => {
    const header = req.headers.authorization;
    if (header === undefined) return MISSING_TOKEN;
    const parts = AUTHORIZATION.exec(header);
    const signingDate = parseAmzDate(req.headers['x-amz-date']);
    if (parts === null || signingDate === undefined) return INCOMPLETE;
    const [, accessKeyId, day, region, service, signedHeaderList, signature] = parts as string[];
    const credentials = secrets.get(accessKeyId as string);
    if (credentials === undefined) return UNKNOWN_KEY;
    if (service !== SERVICE) {
      return {
        ...MISMATCH,
        message: `Credential should be scoped to correct service: '${SERVICE}'.`,
      };
    }
    if (region !== options.region) {
      return {
        ...MISMATCH,
        message: `Credential should be scoped to a valid region, not '${region}'.`,
      };
    }
    if (Math.abs(now() - signingDate.getTime()) > MAX_SKEW_MS) {
      return {
        ...MISMATCH,
        message: `Signature expired: ${req.headers['x-amz-date']} is out of range.`,
      };
    }
    const signedHeaders = (signedHeaderList as string).split(';');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = req.headers[name];
      if (value === undefined) return MISMATCH;
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    if (amzDay(signingDate) !== day) return MISMATCH;
    if (!headers.host || !headers['x-amz-date']) return MISMATCH;
    // The signature covers a payload hash header when there is one: it must be the body's.
    const bodyHash = sha256Hex(body);
    const payloadHash = headers[PAYLOAD_HASH_HEADER] ?? bodyHash;
    if (payloadHash !== bodyHash) return MISMATCH;
    const expected = signatures.of(
      {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        payloadHash,
        amzDate: headers['x-amz-date'],
        region: region as string,
        service: SERVICE,
      },
      credentials.secretAccessKey,
    );
    return sameHex(expected, signature as string) ? undefined : MISMATCH;
  };
}

function parseAmzDate(value: string | string[] | undefined): Date | undefined {
  const parts = typeof value === 'string' ? AMZ_DATE.exec(value) : null;
  if (parts === null) return undefined;
  const [, year, month, date, hours, minutes, seconds] = parts.map(Number) as number[];
  return new Date(Date.UTC(year as number, (month as number) - 1, date, hours, minutes, seconds));
}

/** `20240120` of a date. */
function amzDay(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
