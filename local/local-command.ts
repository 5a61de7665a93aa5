/**
 * `apigw-chat local --template <file>`: runs the WebSocket API of any CDK app's synthesized
 * template on this machine (DynamoDB Local with its tables, the API Gateway emulator, each
 * function in containers of its own), and prints where to connect.
 *
 * @example
 * npx cdk synth && npx apigw-chat local --template cdk.out/MyStack.template.json --port 3002
 */
import { parseArgs } from 'node:util';
import { type LocalRuntime, startLocalRuntime } from './local-runtime';

/** What `apigw-chat local --help` prints. */
export const LOCAL_USAGE = `Usage: apigw-chat local --template <file> [options]

Runs the WebSocket API of a synthesized CloudFormation template (cdk synth) locally.

Options:
  --template <file>       the template, e.g. cdk.out/MyStack.template.json (required)
  --port <n>              the gateway's port (default 3001; 0 picks a free one)
  --data-dir <dir>        keep DynamoDB Local's data there (default: in memory)
  --max-containers <n>    containers per function without reserved concurrency (default 8)
  --help                  this text
`;

interface LocalCommandOptions {
  readonly template: string;
  readonly port: number;
  readonly dataDir: string | undefined;
  readonly maxContainers: number | undefined;
}

/**
 * Reads the arguments of `apigw-chat local`; throws with the reason on invalid ones.
 *
 * @example
 * parseLocalArguments(['--template', 'cdk.out/A.template.json']); // { template: 'cdk.out/A.template.json', port: 3001, ... }
 */
export function parseLocalArguments(args: readonly string[]): LocalCommandOptions | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      template: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'max-containers': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (!values.template) throw new Error('--template <file> is required');
  return {
    template: values.template,
    port: integer('--port', values.port ?? '3001', 0, 65_535),
    dataDir: values['data-dir'],
    maxContainers:
      values['max-containers'] === undefined
        ? undefined
        : integer('--max-containers', values['max-containers'], 1, 1_000),
  };
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got ${text}`);
  }
  return value;
}

/** Starts the runtime, prints what runs and where, and stops it on SIGINT/SIGTERM. */
export async function runLocalCommand(args: readonly string[]): Promise<void> {
  let options: LocalCommandOptions | 'help';
  try {
    options = parseLocalArguments(args);
  } catch (error) {
    console.error(`apigw-chat local: ${(error as Error).message}\n\n${LOCAL_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(LOCAL_USAGE);
    return;
  }
  const runtime: LocalRuntime = await startLocalRuntime({
    template: options.template,
    port: options.port,
    stopDatabaseOnSignals: false,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.maxContainers === undefined ? {} : { maxContainers: options.maxContainers }),
  });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: closing connections and stopping DynamoDB Local`);
      runtime.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('Shutdown failed', error);
          process.exit(1);
        },
      );
    });
  }
  const { api, gateway } = runtime;
  const routes = api.routes.map(
    (route) =>
      `${route.routeKey}${route.integration.type === 'mock' ? ' (MOCK)' : ` → ${route.integration.function}`}${route.returnResponse ? ' (two-way)' : ''}`,
  );
  console.log(`Template:       ${options.template} (stack ${api.stackName}, stage ${api.stage})`);
  console.log(`Routes:         ${routes.join(', ')} (selection ${api.routeSelectionExpression})`);
  for (const fn of api.functions) {
    const detail =
      'unsupported' in fn.code
        ? `not run locally: it ${fn.code.unsupported}`
        : `${fn.timeoutMs / 1000} s, ${fn.memoryMb} MB`;
    console.log(`Function:       ${fn.name} (${detail})`);
  }
  for (const table of api.tables) console.log(`Table:          ${table.name}`);
  console.log(`DynamoDB Local: ${runtime.dynamoDbEndpoint}`);
  console.log(`WebSocket URL:  ${gateway.url}`);
  console.log(`Management URL: ${gateway.managementUrl}`);
  console.log('ready');
}
