/**
 * `npm run token -- --user alice [--name "Alice"] [--expires 12h]`: prints a token that
 * `npm start` (secret mode) accepts, signed with the secret of `.data/dev-secret`
 * (or `AUTH_SECRET`).
 *
 * @example
 * npx wscat -c "ws://localhost:3001/local?ns=/&token=$(npm run -s token -- --user alice)"
 */
import { signSecretToken } from '../lambdas/auth';
import { errorMessage } from '../lambdas/core/error-fields';
import { asksForHelp } from './asks-for-help';
import { devSecret } from './local-auth';
import { TOKEN_USAGE } from './token-usage';

export interface TokenArguments {
  readonly user: string;
  readonly name: string | undefined;
  readonly expiresIn: string;
}

const USAGE =
  'Usage: npm run token -- --user <id> [--name <display name>] [--expires 12h] (--help for more)';

/**
 * Reads `--user`, `--name` and `--expires` (also as `--flag=value`).
 *
 * @example
 * parseTokenArguments(['--user', 'alice', '--name', 'Alice']); // { user: 'alice', name: 'Alice', expiresIn: '12h' }
 */
export function parseTokenArguments(args: readonly string[]): TokenArguments {
  const values: Record<string, string> = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    const match = /^--(user|name|expires)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Unknown argument: ${arg}. ${USAGE}`);
    const value = match[2] ?? args[++index];
    if (value === undefined || value === '')
      throw new Error(`--${match[1]} needs a value. ${USAGE}`);
    values[match[1] as string] = value;
  }
  if (!values.user) throw new Error(`--user is required. ${USAGE}`);
  return { user: values.user, name: values.name, expiresIn: values.expires ?? '12h' };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (asksForHelp(args)) {
    process.stdout.write(TOKEN_USAGE);
    return;
  }
  const options = parseTokenArguments(args);
  const token = await signSecretToken(await devSecret(), {
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
