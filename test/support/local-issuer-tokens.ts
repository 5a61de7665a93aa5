import type { LocalRuntime } from '../../local/local-runtime';
import type { LocalTokenOptions } from '../../local/oidc/issuer-token';

/**
 * Signs an access token of the runtime's local issuer (`auth: { mode: 'oidc' }`), as
 * `npm run token` does.
 *
 * @example
 * const token = await issuerToken(runtime, { user: 'ann', name: 'Ann' });
 */
export function issuerToken(
  runtime: LocalRuntime,
  options: Omit<LocalTokenOptions, 'issuer'>,
): Promise<string> {
  if (!runtime.issuer) throw new Error('The runtime has no local issuer (auth.mode oidc)');
  return runtime.issuer.signToken(options);
}
