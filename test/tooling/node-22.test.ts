import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { SDK_NODE_WARNING } from '../support/sdk-node-warning';

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** Creates the SDK clients the project uses, then prints the Node version it ran on. */
const CREATE_CLIENTS = `
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { ApiGatewayManagementApiClient } = require('@aws-sdk/client-apigatewaymanagementapi');
const { LambdaClient } = require('@aws-sdk/client-lambda');
for (const Client of [DynamoDBClient, ApiGatewayManagementApiClient, LambdaClient]) {
  new Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }).destroy();
}
console.log(process.version);
`;

const majorOf = (version: string): number => Number(/^v?(\d+)\./.exec(version)?.[1]);

describe('Node 22, like the Lambda functions', () => {
  it('runs jest and its workers on the Node that engines requires', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));

    expect(pkg.engines.node).toBe('>=22');
    expect(pkg.devDependencies.node).toMatch(/^\^22\./);
    expect(majorOf(process.version)).toBe(22);
  });

  it('puts Node 22 first on PATH for the processes tests and scripts start', async () => {
    const { stdout } = await run('node', ['--version'], { cwd: ROOT });

    expect(majorOf(stdout)).toBe(22);
  });

  it('creates AWS SDK clients in a child process without the SDK Node version warning', async () => {
    const { stdout, stderr } = await run('node', ['-e', CREATE_CLIENTS], { cwd: ROOT });

    expect(majorOf(stdout)).toBe(22);
    expect(stderr).not.toMatch(SDK_NODE_WARNING);
  });
});
