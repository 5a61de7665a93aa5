import { tokenIdentity } from '../../web/token-identity';

/** An unsigned JWT with these claims (the page never verifies). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}

describe('Function: tokenIdentity', () => {
  it('reads the id from sub and the name as the authorizer does', () => {
    // Prepare & Act & Assess
    expect(tokenIdentity(jwt({ sub: 'ann', name: 'Ann Lee' }))).toEqual({
      id: 'ann',
      name: 'Ann Lee',
    });
    expect(tokenIdentity(jwt({ sub: 'u1', preferred_username: 'bob' }))).toEqual({
      id: 'u1',
      name: 'bob',
    });
    expect(tokenIdentity(jwt({ sub: 'u2', 'cognito:username': 'cat' }))).toEqual({
      id: 'u2',
      name: 'cat',
    });
    expect(tokenIdentity(jwt({ sub: 'u3', name: ' ' }))).toEqual({ id: 'u3', name: 'u3' });
  });

  it('reads a name with characters outside Latin-1', () => {
    // Prepare & Act & Assess
    expect(tokenIdentity(jwt({ sub: 'min', name: '김민지' }))?.name).toBe('김민지');
  });

  it.each([undefined, '', 'opaque-token', 'a.b.c', jwt({ name: 'no sub' }), jwt({ sub: 7 })])(
    'returns undefined for %p',
    (token) => {
      // Prepare & Act & Assess
      expect(tokenIdentity(token)).toBeUndefined();
    },
  );
});
