import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

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
export type SigV4Check = (
  req: IncomingMessage,
  body: Buffer,
) => Promise<SignatureRefusal | undefined>;

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
 * known access key, dated within 15 minutes; the signature is recomputed with the SDK's own
 * signer (`@smithy/signature-v4`) over the headers the client signed and the body.
 *
 * @example
 * const check = createSigV4Check({ region: 'us-east-1', credentials: [LOCAL_AWS.credentials] });
 * const refusal = await check(req, body);
 * if (refusal) sendAwsError(res, 403, refusal.errorType, refusal.message);
 */
export function createSigV4Check(options: SigV4CheckOptions): SigV4Check {
  const secrets = new Map(
    options.credentials.map((credentials) => [credentials.accessKeyId, credentials]),
  );
  const now = options.now ?? Date.now;
  // One signer per key and region: the SDK's signer keeps the day's derived key.
  const signers = new Map<string, SignatureV4>();
  const signerFor = (credentials: SigningCredentials, region: string): SignatureV4 => {
    const key = `${credentials.accessKeyId}\n${region}`;
    let signer = signers.get(key);
    if (signer === undefined) {
      signer = new SignatureV4({
        credentials,
        region,
        service: SERVICE,
        sha256: Sha256,
        applyChecksum: false,
      });
      signers.set(key, signer);
    }
    return signer;
  };
  return async (req, body) => {
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
    // The signer trusts a payload hash header: it must be the body's.
    const payloadHash = headers[PAYLOAD_HASH_HEADER];
    if (payloadHash !== undefined && payloadHash !== sha256Hex(body)) return MISMATCH;
    const expected = await expectedSignature(
      req,
      body,
      headers,
      signingDate,
      signerFor(credentials, region as string),
      new Set(signedHeaders),
    );
    return expected !== undefined && sameHex(expected, signature as string) ? undefined : MISMATCH;
  };
}

async function expectedSignature(
  req: IncomingMessage,
  body: Buffer,
  headers: Record<string, string>,
  signingDate: Date,
  signer: SignatureV4,
  signableHeaders: Set<string>,
): Promise<string | undefined> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [previous, value].flat();
  }
  const signed = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: headers.host ?? 'localhost',
      path: (req.url ?? '/').split('?')[0] as string,
      query,
      headers,
      body,
    },
    { signingDate, signableHeaders },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
}

/** `20240120T115500Z` as a Date. */
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

function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
