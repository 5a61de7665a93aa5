import { resolve } from 'node:path';
import { regionOfEndpoint } from '../lambdas/adapters/endpoint-region';
import { errorMessage } from '../lambdas/core/error-fields';
import type * as z from '../lambdas/core/zod';
import { EmitterSchemas } from '../lambdas/emitter/emitter-schemas';
import type { EmitCommand } from './emit-arguments';
import { findLocalDiscovery, LOCAL_DISCOVERY_ENV, loadLocalDiscovery } from './local-discovery';
import { UsageError } from './usage';

/** Where and how the CLI reaches the chat: its table, its stage, and the AWS settings for both. */
export interface EmitConnection {
  readonly tableName: string;
  readonly callbackUrl: string;
  /** Undefined: the SDK's default (AWS_REGION, the profile). */
  readonly region: string | undefined;
  /** DynamoDB Local's endpoint; undefined on AWS (or AWS_ENDPOINT_URL_DYNAMODB, read by the SDK). */
  readonly dynamoDbEndpoint: string | undefined;
  /** The local runtime's static credentials; undefined: the SDK's default chain. */
  readonly credentials:
    | { readonly accessKeyId: string; readonly secretAccessKey: string }
    | undefined;
  /** Where the settings came from, for messages: `flags and environment`, or the discovery file. */
  readonly source: string;
}

/**
 * The chat to emit to. Each setting comes from its flag, else its environment variable
 * (`TABLE_NAME`, `CALLBACK_URL`, `AWS_REGION`/`AWS_DEFAULT_REGION`). When neither flags nor
 * environment name a table or an endpoint, the local runtime's discovery file supplies them
 * all, so flags and environment never mix with it: a table on AWS is never looked up in
 * DynamoDB Local. Throws `UsageError` when settings are missing, invalid or stale.
 *
 * @example
 * const connection = await resolveEmitConnection(command, process.env, process.cwd());
 */
export async function resolveEmitConnection(
  command: EmitCommand,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<EmitConnection> {
  const tableName = command.table ?? fromEnv(env, 'TABLE_NAME', EmitterSchemas.tableName);
  const callbackUrl = command.endpoint ?? fromEnv(env, 'CALLBACK_URL', EmitterSchemas.endpoint);
  if (tableName === undefined && callbackUrl === undefined) {
    return fromLocalRuntime(command, env, cwd);
  }
  if (tableName === undefined) throw new UsageError('No table: pass --table or set TABLE_NAME');
  if (callbackUrl === undefined) {
    throw new UsageError('No @connections endpoint: pass --endpoint or set CALLBACK_URL');
  }
  const envRegion =
    fromEnv(env, 'AWS_REGION', EmitterSchemas.region) ??
    fromEnv(env, 'AWS_DEFAULT_REGION', EmitterSchemas.region);
  return {
    tableName,
    callbackUrl,
    region: command.region ?? envRegion ?? regionOfEndpoint(callbackUrl),
    dynamoDbEndpoint: undefined,
    credentials: undefined,
    source: 'flags and environment',
  };
}

async function fromLocalRuntime(
  command: EmitCommand,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<EmitConnection> {
  const named = env[LOCAL_DISCOVERY_ENV];
  let found: Awaited<ReturnType<typeof findLocalDiscovery>>;
  try {
    found = named ? await loadLocalDiscovery(resolve(cwd, named)) : await findLocalDiscovery(cwd);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (!found) {
    throw new UsageError(
      named
        ? `${LOCAL_DISCOVERY_ENV}=${named}: no such file`
        : 'Nothing to emit to: pass --table and --endpoint (or set TABLE_NAME and CALLBACK_URL), or run `npm start` in the apigw-chat repository',
    );
  }
  if (!found.running) {
    throw new UsageError(
      `${found.file} is stale: the local runtime (pid ${found.discovery.pid}) is not running. Run \`npm start\`.`,
    );
  }
  const { discovery } = found;
  return {
    tableName: discovery.tableName,
    callbackUrl: discovery.callbackUrl,
    region: command.region ?? discovery.region,
    dynamoDbEndpoint: discovery.dynamoDbEndpoint,
    credentials: discovery.credentials,
    source: found.file,
  };
}

/** The variable, validated; unset and empty are both undefined. */
function fromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  schema: z.ZodMiniType<string>,
): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new UsageError(`Invalid ${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  }
  return result.data;
}
