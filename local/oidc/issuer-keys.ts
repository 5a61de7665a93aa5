import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';

/** Where `npm start` and `npm run token` keep the local issuer's keys. */
export const ISSUER_KEYS_FILE = '.data/oidc/keys.json';

/** The signing algorithm of the local issuer: RS256, as Cognito user pools sign. */
export const ISSUER_ALGORITHM = 'RS256';

const PrivateRsaJwk = z
  .object({
    kty: z.literal('RSA'),
    kid: z.string().min(1),
    alg: z.literal(ISSUER_ALGORITHM),
    use: z.literal('sig'),
    n: z.string().min(1),
    e: z.string().min(1),
    d: z.string().min(1),
    p: z.string().min(1),
    q: z.string().min(1),
    dp: z.string().min(1),
    dq: z.string().min(1),
    qi: z.string().min(1),
  })
  .strict();

const IssuerKeysFile = z
  .object({
    /** The RS256 signing key, a private JWK. */
    signingKey: PrivateRsaJwk,
    /** Keys of the issuer's signed cookies (sign-in sessions). */
    cookieKeys: z.array(z.string().min(32)).min(1),
  })
  .strict();

/** The local issuer's secrets: its RS256 signing key and its cookie keys. */
export type IssuerKeys = z.infer<typeof IssuerKeysFile>;

/**
 * New keys: an RSA-2048 signing key (`kid` = its JWK thumbprint) and a cookie key.
 *
 * @example
 * const keys = await generateIssuerKeys(); // for a runtime that forgets them on close
 */
export async function generateIssuerKeys(): Promise<IssuerKeys> {
  const { privateKey } = await generateKeyPair(ISSUER_ALGORITHM, {
    modulusLength: 2048,
    extractable: true,
  });
  const jwk: JWK = await exportJWK(privateKey);
  const signingKey = PrivateRsaJwk.parse({
    ...jwk,
    kid: await calculateJwkThumbprint(jwk),
    alg: ISSUER_ALGORITHM,
    use: 'sig',
  });
  return { signingKey, cookieKeys: [randomBytes(32).toString('base64url')] };
}

/**
 * The keys of `file`, created (mode 0600) on first use, so tokens and `npm run token` agree
 * across restarts; delete the file to make every token signed so far invalid.
 *
 * @throws Error when the file exists but does not hold issuer keys.
 * @example
 * const keys = await loadIssuerKeys(); // .data/oidc/keys.json
 */
export async function loadIssuerKeys(file: string = ISSUER_KEYS_FILE): Promise<IssuerKeys> {
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const parsed = IssuerKeysFile.safeParse(parseJson(text));
    if (!parsed.success)
      throw new Error(`${file} does not hold issuer keys; delete it to start over`);
    return parsed.data;
  }
  const keys = await generateIssuerKeys();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return keys;
}

/** The public half of the signing key, as the JWKS publishes it. */
export function publicJwkOf(keys: IssuerKeys): JWK {
  const { kty, kid, alg, use, n, e } = keys.signingKey;
  return { kty, kid, alg, use, n, e };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
