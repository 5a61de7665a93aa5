import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { identityFromClaims, type UserIdentity } from './identity';
import { toInvalidTokenError } from './jose-errors';
import { checkTokenClaims, joseClaimOptions, type TokenClaimsPolicy } from './token-claims-policy';
import { InvalidTokenError, type TokenVerifier } from './token-verifier';

/** Algorithms of OIDC providers' signing keys; `none` and HMAC are never accepted here. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/** Also the claims policy: `tokenUse` (Cognito: `access`), `maxTokenAgeSeconds`. */
export interface JwtVerifierOptions extends TokenClaimsPolicy {
  /** The `iss` tokens must carry, e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC`. */
  readonly issuer: string;
  /**
   * The API's audience: matched against `aud`, or against `client_id` for Cognito access
   * tokens (which have no `aud`).
   */
  readonly audience: string;
  /** Where the signing keys are. Default: `jwks_uri` of `{issuer}/.well-known/openid-configuration`. */
  readonly jwksUri?: string;
  /**
   * How long the JWKS is kept, in seconds: a key the issuer removed is refused at most this
   * long after (0: the JWKS is read for every token). Default jose's 600.
   */
  readonly jwksCacheSeconds?: number;
  /** The keys themselves (tests: jose's `createLocalJWKSet`). Overrides `jwksUri`. */
  readonly keys?: JWTVerifyGetKey;
  /** Default: global `fetch`. Used for the discovery document only. */
  readonly fetch?: typeof fetch;
}

/**
 * Verifies JWTs of an OIDC issuer or a Cognito user pool against the issuer's JWKS
 * (discovered once, cached by jose, refreshed on an unknown `kid`), and their claims: `iss`,
 * the audience, `token_use` when told, `iat` neither older than the maximum token age nor
 * in the future, `exp` neither past nor too far ahead, and a `sub` of at most 128 characters.
 *
 * @example
 * const verifier = new JwtVerifier({ issuer: 'https://login.example.com', audience: 'chat' });
 * const identity = await verifier.verify(token);
 */
export class JwtVerifier implements TokenVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly options: JwtVerifierOptions) {}

  async verify(token: string): Promise<UserIdentity> {
    const keys = await this.signingKeys();
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ALGORITHMS,
      issuer: this.options.issuer,
      ...joseClaimOptions(),
    }).catch((error: unknown) => {
      throw toInvalidTokenError(error);
    });
    checkTokenClaims(payload, this.options);
    if (!hasAudience(payload, this.options.audience)) {
      throw new InvalidTokenError(
        'forbidden',
        `Token is not for audience ${this.options.audience}`,
      );
    }
    const identity = identityFromClaims(payload);
    if (!identity) throw new InvalidTokenError('unauthorized', 'Token has no subject');
    return identity;
  }

  private signingKeys(): Promise<JWTVerifyGetKey> {
    if (this.options.keys) return Promise.resolve(this.options.keys);
    const cache = this.options.jwksCacheSeconds;
    this.keys ??= this.discoverJwksUri().then((uri) => {
      const url = new URL(uri);
      return createRemoteJWKSet(url, {
        agent: oneRequestPerConnection(url),
        ...(cache === undefined ? {} : { cacheMaxAge: cache * 1000, cooldownDuration: 0 }),
      });
    });
    // A failed discovery is retried on the next token rather than cached.
    this.keys.catch(() => {
      this.keys = undefined;
    });
    return this.keys;
  }

  private async discoverJwksUri(): Promise<string> {
    if (this.options.jwksUri) return this.options.jwksUri;
    const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await (this.options.fetch ?? fetch)(url);
    if (!response.ok) throw new Error(`OIDC discovery failed: ${url} answered ${response.status}`);
    const document = (await response.json()) as { jwks_uri?: unknown };
    if (typeof document.jwks_uri !== 'string') throw new Error(`No jwks_uri in ${url}`);
    return document.jwks_uri;
  }
}

/**
 * An agent that closes each JWKS connection after its answer. Lambda freezes the environment
 * between invocations, so a kept-alive socket the issuer closes meanwhile is only seen as
 * closed after the thaw, when the next fetch has already been written to it: "socket hang up",
 * and a refused connect. A JWKS is fetched rarely enough for a fresh connection each time.
 */
function oneRequestPerConnection(url: URL): HttpAgent | HttpsAgent {
  return url.protocol === 'https:'
    ? new HttpsAgent({ keepAlive: false })
    : new HttpAgent({ keepAlive: false });
}

function hasAudience(payload: JWTPayload, audience: string): boolean {
  const aud = payload.aud;
  if (aud !== undefined) return Array.isArray(aud) ? aud.includes(audience) : aud === audience;
  return payload.client_id === audience;
}
