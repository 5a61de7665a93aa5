import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { ExecuteApiSigner } from '../../../lambdas/adapters/execute-api-signer';

const REGION = 'eu-west-1';
const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
const PATH = '/prod/@connections/R1kmxc2VNjMCFIA%3D';
const BODY = Buffer.from(JSON.stringify({ event: 'chat', data: { text: 'héllo 🙂' } }));

/** The headers the SDK's own signer gives the same request (no `x-amz-content-sha256`, which execute-api does not need). */
async function sdkHeaders(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  signingDate: Date,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: REGION,
    credentials,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: HOST,
      path: PATH,
      query: {},
      headers: { host: HOST },
      body: BODY,
    },
    { signingDate },
  );
  return signed.headers;
}

describe('Class: ExecuteApiSigner', () => {
  const permanent = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' };
  const temporary = { ...permanent, sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDO=' };

  it('signs exactly as the SDK signer does, with permanent and with temporary credentials', async () => {
    // Prepare
    const at = new Date('2026-12-04T03:04:05.678Z');
    const signer = new ExecuteApiSigner(REGION);

    // Act
    const mine = [
      signer.sign({ host: HOST, path: PATH, body: BODY }, permanent, at),
      signer.sign({ host: HOST, path: PATH, body: BODY }, temporary, at),
    ];
    const sdk = [await sdkHeaders(permanent, at), await sdkHeaders(temporary, at)];

    // Assess
    expect(mine[0]).toEqual({
      host: HOST,
      'x-amz-date': '20261204T030405Z',
      authorization: sdk[0]?.authorization,
    });
    expect(mine[1]).toEqual({
      host: HOST,
      'x-amz-date': '20261204T030405Z',
      'x-amz-security-token': temporary.sessionToken,
      authorization: sdk[1]?.authorization,
    });
    expect(sdk[1]?.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token');
  });

  it('derives the key again when the day or the secret changes', async () => {
    // Prepare
    const signer = new ExecuteApiSigner(REGION);
    const days = [new Date('2026-12-04T23:59:59Z'), new Date('2026-12-05T00:00:01Z')];
    const rotated = { ...permanent, secretAccessKey: 'another-secret' };

    // Act
    const mine = [
      signer.sign({ host: HOST, path: PATH, body: BODY }, permanent, days[0]),
      signer.sign({ host: HOST, path: PATH, body: BODY }, permanent, days[1]),
      signer.sign({ host: HOST, path: PATH, body: BODY }, rotated, days[1]),
    ].map((headers) => headers.authorization);

    // Assess
    expect(mine).toEqual([
      (await sdkHeaders(permanent, days[0] as Date)).authorization,
      (await sdkHeaders(permanent, days[1] as Date)).authorization,
      (await sdkHeaders(rotated, days[1] as Date)).authorization,
    ]);
  });
});
