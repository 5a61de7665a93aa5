/**
 * `npm run load`: N clients in R rooms each send M chat messages through the local runtime
 * (API Gateway emulator + DynamoDB Local + the real handlers), then every delivery is
 * checked: each other member of the sender's room exactly once, nobody else. Exits 0 only
 * when nothing was lost, duplicated or misdelivered and no error happened.
 *
 * @example
 * npm run load -- --clients 100 --rooms 10 --messages 20 --json
 */
import { parseLoadArguments } from './load-plan';
import { runLoad } from './load-runner';
import { formatSummary } from './summary-format';

/** Cleanup after `--timeout-s` is bounded too; past this grace the process just exits. */
const EXIT_GRACE_MS = 30_000;

async function main(): Promise<number> {
  let plan: ReturnType<typeof parseLoadArguments>;
  try {
    plan = parseLoadArguments(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  // Before the handlers load: their Powertools loggers read it once.
  if (!plan.verbose) process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  setTimeout(
    () => {
      console.error(`load: still running ${EXIT_GRACE_MS / 1_000} s past --timeout-s; exiting`);
      process.exit(3);
    },
    plan.timeoutS * 1_000 + EXIT_GRACE_MS,
  ).unref();

  const summary = await runLoad(plan, {
    log: (line) => process.stderr.write(`load: ${line}\n`),
  });
  console.log(plan.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
  return summary.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error('load:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
