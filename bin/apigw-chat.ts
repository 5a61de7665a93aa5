/**
 * `apigw-chat`: the command line of the emitter (`npx apigw-chat emit --help`). Run through
 * `bin/apigw-chat.cjs`, which loads this file with tsx.
 *
 * @example
 * npx apigw-chat emit --ns /notification --room room1 hello "text"
 */
import { runCli } from '../cli/run-cli';

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
