import { watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { errorMessage } from '../../lambdas/core/error-fields';
import { ISSUER_KEYS_FILE, type IssuerKeys, loadIssuerKeys } from './issuer-keys';

/**
 * Watches the issuer's key file and hands the keys it holds to `rotate` whenever they change:
 * a replaced file's keys, or fresh ones (written back) when the file is removed. With the
 * authorizer reading the JWKS at every connection, `rm .data/oidc/keys.json` then revokes
 * every token at once, without a restart. Resolves with a function that stops watching.
 *
 * @example
 * const stop = await watchIssuerKeys(keys, (next) => issuer.rotateKeys(next), console.log);
 */
export async function watchIssuerKeys(
  current: IssuerKeys,
  rotate: (keys: IssuerKeys) => void,
  report: (message: string) => void,
  file: string = ISSUER_KEYS_FILE,
): Promise<() => void> {
  await mkdir(dirname(file), { recursive: true });
  let kid = current.signingKey.kid;
  let timer: NodeJS.Timeout | undefined;
  let reading = Promise.resolve();
  const check = () => {
    reading = reading.then(async () => {
      try {
        const keys = await loadIssuerKeys(file);
        if (keys.signingKey.kid === kid) return;
        kid = keys.signingKey.kid;
        rotate(keys);
        report(
          `Issuer key changed (${file}): tokens signed with the old key are refused from now on`,
        );
      } catch (error) {
        report(
          `Issuer key file ${file} unreadable, keeping the current key: ${errorMessage(error)}`,
        );
      }
    });
  };
  const watcher = watch(dirname(file), (_event, name) => {
    if (name !== null && name !== basename(file)) return;
    clearTimeout(timer);
    timer = setTimeout(check, 100);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
