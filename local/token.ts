/**
 * `npm run token -- --user alice [--name "Alice"] [--expires 12h] [--port 3001]`: prints an
 * access token of the local OIDC issuer that `npm start` runs on that port (default `PORT`,
 * else 3001), signed with its RS256 key in `.data/oidc/keys.json`: the token the page gets by
 * signing in, without the browser.
 *
 * @example
 * npx wscat -c "ws://localhost:3001/local?ns=/" -s apigw-chat -s "token.$(npm run -s token -- --user alice)"
 */
import { errorMessage } from '../lambdas/core/error-fields';
import { asksForHelp } from './asks-for-help';
import { ISSUER_KEYS_FILE, loadIssuerKeys } from './oidc/issuer-keys';
import { localIssuerUrl } from './oidc/issuer-settings';
import { signLocalAccessToken } from './oidc/issuer-token';
import { TOKEN_USAGE } from './token-usage';

export interface TokenArguments {
  readonly user: string;
  readonly name: string | undefined;
  readonly expiresIn: string;
  readonly port: number;
}

const USAGE =
  'Usage: npm run token -- --user <id> [--name <display name>] [--expires 12h] [--port 3001] (--help for more)';

/**
 * Reads `--user`, `--name`, `--expires` and `--port` (also as `--flag=value`; the port
 * defaults to `PORT`, else 3001).
 *
 * @example
 * parseTokenArguments(['--user', 'alice', '--name', 'Alice'], {}); // { user: 'alice', name: 'Alice', expiresIn: '12h', port: 3001 }
 */
export function parseTokenArguments(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): TokenArguments {
  const values: Record<string, string> = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    const match = /^--(user|name|expires|port)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Unknown argument: ${arg}. ${USAGE}`);
    const value = match[2] ?? args[++index];
    if (value === undefined || value === '')
      throw new Error(`--${match[1]} needs a value. ${USAGE}`);
    values[match[1] as string] = value;
  }
  if (!values.user) throw new Error(`--user is required. ${USAGE}`);
  const portText = values.port ?? env.PORT ?? '3001';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`Invalid port: ${portText}. ${USAGE}`);
  }
  return { user: values.user, name: values.name, expiresIn: values.expires ?? '12h', port };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (asksForHelp(args)) {
    process.stdout.write(TOKEN_USAGE);
    return;
  }
  const options = parseTokenArguments(args, process.env);
  const token = await signLocalAccessToken(await loadIssuerKeys(ISSUER_KEYS_FILE), {
    issuer: localIssuerUrl(options.port),
    user: options.user,
    expiresIn: options.expiresIn,
    ...(options.name === undefined ? {} : { name: options.name }),
  });
  process.stdout.write(`${token}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(errorMessage(error));
    process.exit(1);
  });
}
