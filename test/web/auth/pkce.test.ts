import { createHash } from 'node:crypto';
import { createPkcePair, randomString } from '../../../web/auth/pkce';

describe('Module: pkce', () => {
  it('makes a 43-character base64url verifier and its S256 challenge', async () => {
    // Act
    const { verifier, challenge } = await createPkcePair();

    // Assess
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });

  it('never makes the same verifier or state twice', async () => {
    // Act
    const verifiers = new Set(
      await Promise.all([1, 2, 3].map(async () => (await createPkcePair()).verifier)),
    );
    const states = new Set([randomString(), randomString()]);

    // Assess
    expect(verifiers.size).toBe(3);
    expect(states.size).toBe(2);
  });
});
