import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { openClient } from './emulator-support';

jest.setTimeout(60_000);

/** A one-route app: `$default` answers with what `handlers/answer.ts` returns (its TypeScript entry). */
const TEMPLATE = {
  Resources: {
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'WEBSOCKET' } },
    Stage: {
      Type: 'AWS::ApiGatewayV2::Stage',
      Properties: { ApiId: { Ref: 'Api' }, StageName: 'dev' },
    },
    Answer: {
      Type: 'AWS::Lambda::Function',
      Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Timeout: 5 },
      Metadata: { 'apigw-chat:entry': 'handlers/answer.ts' },
    },
    Integration: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: {
        ApiId: { Ref: 'Api' },
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::Join': ['', ['arn:', { 'Fn::GetAtt': ['Answer', 'Arn'] }]] },
      },
    },
    Route: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        ApiId: { Ref: 'Api' },
        RouteKey: '$default',
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] },
      },
    },
    RouteResponse: {
      Type: 'AWS::ApiGatewayV2::RouteResponse',
      Properties: {
        ApiId: { Ref: 'Api' },
        RouteId: { Ref: 'Route' },
        RouteResponseKey: '$default',
      },
    },
  },
};

const handlerSource = (answer: string): string =>
  `export const handler = async () => ({ statusCode: 200, body: '${answer}' });\n`;

describe('Reload: changed handler code without dropping open sockets', () => {
  let dir: string;
  let runtime: LocalRuntime;
  const lines: string[] = [];
  const logger: GatewayLogger = {
    info: (message) => lines.push(message),
    error: (message) => lines.push(message),
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reload-app-'));
    await mkdir(join(dir, 'handlers'));
    await mkdir(join(dir, 'cdk.out'));
    await writeFile(join(dir, 'cdk.json'), '{}');
    await writeFile(join(dir, 'handlers', 'answer.ts'), handlerSource('v1'));
    await writeFile(join(dir, 'cdk.out', 'App.template.json'), JSON.stringify(TEMPLATE));
    runtime = await startLocalRuntime({
      template: join(dir, 'cdk.out', 'App.template.json'),
      watch: true,
      gateway: { logger },
    });
  });

  afterAll(async () => {
    await runtime?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the new code in new containers once the file changes, on the socket that stayed open', async () => {
    // Prepare
    const client = await openClient(runtime.gateway.url);
    client.ws.send('first');
    const before = await client.next(10_000);

    // Act
    await writeFile(join(dir, 'handlers', 'answer.ts'), handlerSource('v2'));
    const deadline = Date.now() + 10_000;
    while (!lines.some((line) => line.startsWith('reload:')) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 50));
    }
    client.ws.send('second');
    const after = await client.next(10_000);

    // Assess
    expect(runtime.watching).toEqual([join(dir, 'handlers')]);
    expect(before).toBe('v1');
    expect(after).toBe('v2');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^reload: handlers\/answer\.ts changed; new invocations start new containers/,
      ),
    );
    expect(lines.filter((line) => line.includes('cold start'))).toHaveLength(2);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.ws.close();
  });
});
