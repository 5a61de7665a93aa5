import {
  escapeUri,
  SIGV4_ALGORITHM,
  sha256Hex,
  sigV4Signature,
  sigV4SigningKey,
} from '../../../lambdas/adapters/sigv4-primitives';

describe('SigV4 primitives', () => {
  it('derives the signing key of the example in AWS’s SigV4 documentation', () => {
    // Act
    const key = sigV4SigningKey(
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      '20120215',
      'us-east-1',
      'iam',
    );

    // Assess
    expect(key.toString('hex')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });

  it('signs the hash of the canonical request under the algorithm, date and scope, and nothing else', () => {
    // Prepare
    const key = sigV4SigningKey('secret', '20261204', 'eu-west-1', 'execute-api');
    const scope = '20261204/eu-west-1/execute-api/aws4_request';

    // Act
    const signature = sigV4Signature(key, '20261204T134507Z', scope, 'POST\n/\n\n');

    // Assess
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(sigV4Signature(key, '20261204T134508Z', scope, 'POST\n/\n\n')).not.toBe(signature);
    expect(sigV4Signature(key, '20261204T134507Z', scope, 'POST\n/x\n\n')).not.toBe(signature);
    expect(SIGV4_ALGORITHM).toBe('AWS4-HMAC-SHA256');
  });

  it('hashes as SHA-256 in hex and encodes as RFC 3986 asks', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'));
    expect(escapeUri("a+b/c=!'()*~ é")).toBe('a%2Bb%2Fc%3D%21%27%28%29%2A~%20%C3%A9');
  });
});
