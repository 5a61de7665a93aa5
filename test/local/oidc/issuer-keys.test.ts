import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { loadIssuerKeys, publicJwkOf } from '../../../local/oidc/issuer-keys';
import { LOCAL_AUDIENCE, localIssuerUrl } from '../../../local/oidc/issuer-settings';
import { signLocalAccessToken } from '../../../local/oidc/issuer-token';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'issuer-keys-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('Function: loadIssuerKeys', () => {
  it('creates an RS256 key on first use (mode 0600) and loads the same one after a restart', async () => {
    // Prepare
    const file = path.join(dir, 'oidc', 'keys.json');

    // Act
    const first = await loadIssuerKeys(file);
    const again = await loadIssuerKeys(file);

    // Assess
    expect(first.signingKey).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(again).toEqual(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a file that does not hold issuer keys', async () => {
    // Prepare
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, '{"signingKey":{"kty":"oct","k":"abc"},"cookieKeys":[]}');

    // Act / Assess
    await expect(loadIssuerKeys(file)).rejects.toThrow('does not hold issuer keys');
  });

  it('signs tokens that its public JWK verifies, as the authorizer would after a restart', async () => {
    // Prepare
    const file = path.join(dir, 'keys.json');
    const token = await signLocalAccessToken(await loadIssuerKeys(file), {
      issuer: localIssuerUrl(3001),
      user: 'alice',
      name: 'Alice',
    });
    const jwks = createLocalJWKSet({ keys: [publicJwkOf(await loadIssuerKeys(file))] });

    // Act
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: 'http://localhost:3001/oidc',
      audience: LOCAL_AUDIENCE,
      algorithms: ['RS256'],
    });

    // Assess
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: 'alice', name: 'Alice', client_id: 'chat-page' });
    expect(publicJwkOf(await loadIssuerKeys(file))).not.toHaveProperty('d');
  });
});
