import { createHash } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { SigV4Signatures } from '../../../local/gateway/sigv4-signature';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const REGION = 'eu-west-1';

interface Case {
  readonly method: string;
  /** As on the wire: path and query percent-encoded. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What the SDK's signer makes of `request`: the signature and the headers it signed. */
async function signBySdk(request: Case, sessionToken?: string) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken },
    region: REGION,
    service: 'execute-api',
    sha256: Sha256,
  });
  const [path, search = ''] = request.url.split('?') as [string, string?];
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [previous, value].flat();
  }
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: 'abc123.execute-api.eu-west-1.amazonaws.com',
      path,
      query,
      headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com', ...request.headers },
      body: request.body,
    },
    { signingDate: new Date('2026-12-04T13:45:07Z') },
  );
  const headers = signed.headers as Record<string, string>;
  const authorization = /SignedHeaders=([^,]+), Signature=([0-9a-f]+)/.exec(
    headers.authorization as string,
  ) as RegExpExecArray;
  const names = (authorization[1] as string).split(';');
  const lowered = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return {
    signature: authorization[2] as string,
    headers: Object.fromEntries(names.map((name) => [name, lowered[name] as string])),
  };
}

const CASES: ReadonlyArray<[string, Case]> = [
  [
    'a post to a connection id with = + and /',
    {
      method: 'POST',
      url: '/prod/@connections/a%2Bb%2Fc%3D',
      headers: { 'content-type': 'application/json' },
      body: '{"event":"chat","data":{"text":"héllo"}}',
    },
  ],
  [
    'a GET with no body',
    { method: 'GET', url: '/prod/@connections/JC1dgf9yoAMCK-g%3D', headers: {}, body: '' },
  ],
  [
    'a path with dot segments, empty segments and a trailing slash',
    { method: 'DELETE', url: '/prod//a/./b/../c/', headers: {}, body: '' },
  ],
  [
    'a query with repeated, unsorted and encoded parameters',
    {
      method: 'GET',
      url: "/prod/x?b=2&a=z&a=y&space=a%20b&star=*!'()&uni=%C3%A9&empty=",
      headers: {},
      body: '',
    },
  ],
  [
    'headers whose values carry runs of spaces and tabs',
    {
      method: 'POST',
      url: '/prod/@connections/id',
      headers: { 'x-custom': '  one   two\tthree  ', 'X-Upper': 'Value' },
      body: 'hi',
    },
  ],
  [
    'a signed payload hash header',
    {
      method: 'POST',
      url: '/prod/@connections/id',
      headers: { 'x-amz-content-sha256': createHash('sha256').update('body').digest('hex') },
      body: 'body',
    },
  ],
];

describe('Class: SigV4Signatures', () => {
  it.each(CASES)(
    'computes the signature the SDK signer computes for %s',
    async (_name, request) => {
      // Prepare
      const sdk = await signBySdk(request);

      // Act
      const signature = new SigV4Signatures().of(
        {
          method: request.method,
          url: request.url,
          headers: sdk.headers,
          payloadHash:
            sdk.headers['x-amz-content-sha256'] ??
            createHash('sha256').update(request.body).digest('hex'),
          amzDate: sdk.headers['x-amz-date'] as string,
          region: REGION,
          service: 'execute-api',
        },
        SECRET,
      );

      // Assess
      expect(signature).toBe(sdk.signature);
    },
  );

  it('computes the signature of a request signed with a session token, and another for another secret', async () => {
    // Prepare
    const request = CASES[0]?.[1] as Case;
    const sdk = await signBySdk(request, 'FwoGZXIvYXdzEXAMPLETOKEN');
    const signed = {
      method: request.method,
      url: request.url,
      headers: sdk.headers,
      payloadHash: createHash('sha256').update(request.body).digest('hex'),
      amzDate: sdk.headers['x-amz-date'] as string,
      region: REGION,
      service: 'execute-api',
    };
    const signatures = new SigV4Signatures();

    // Act
    const right = signatures.of(signed, SECRET);
    const wrong = signatures.of(signed, `${SECRET}x`);

    // Assess
    expect(sdk.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLETOKEN');
    expect(right).toBe(sdk.signature);
    expect(wrong).not.toBe(sdk.signature);
  });
});
