/**
 * `apigw-chat`: the command line of the emitter (`npx apigw-chat emit --help`) and of the
 * local runtime for any CDK app's template (`npx apigw-chat local --help`). Run through
 * `bin/apigw-chat.cjs`, which loads this file with tsx.
 *
 * @example
 * npx apigw-chat emit --ns /notification --room room1 hello "text"
 * npx apigw-chat local --template cdk.out/MyStack.template.json
 */
import { runCli } from '../cli/run-cli';
import { runLocalCommand } from '../local/local-command';

const [command, ...rest] = process.argv.slice(2);
if (command === 'local') {
  runLocalCommand(rest).catch((error: unknown) => {
    console.error('apigw-chat local:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
} else {
  runEmitterCli();
}

function runEmitterCli(): void {
  runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      console.error('apigw-chat:', error);
      process.exitCode = 1;
    },
  );
}
