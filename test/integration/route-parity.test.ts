import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type FunctionName, LAMBDA_FUNCTIONS } from '../../definitions/api';
import { ChatStack } from '../../lib/chat-stack';
import { type Gateway, type LambdaHandler, silentLogger, startGateway } from '../../local/gateway';
import { ProtocolClient } from '../support/protocol-client';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** One route as the synthesized template defines it. */
interface TemplateRoute {
  readonly routeKey: string;
  /** The function the route invokes, or undefined for a MOCK integration. */
  readonly functionName: FunctionName | undefined;
  readonly mockResponseBody: string | undefined;
  readonly twoWay: boolean;
}

const refOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.replace(/^integrations\//, '');
  if (value && typeof value === 'object' && 'Ref' in value)
    return String((value as { Ref: string }).Ref);
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const parts = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return parts.map(refOf).find((ref) => ref !== undefined && ref !== '');
  }
  return undefined;
};

/** Reads the route table back out of the CloudFormation template. */
function routesOf(template: Template): TemplateRoute[] {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const functionByLogicalId = new Map(
    ofType('AWS::Lambda::Function').map(([id, r]) => {
      const name = (Object.keys(LAMBDA_FUNCTIONS) as FunctionName[]).find(
        (key) => LAMBDA_FUNCTIONS[key].description === r.Properties.Description,
      );
      return [id, name];
    }),
  );
  const integrationResponses = ofType('AWS::ApiGatewayV2::IntegrationResponse');
  const routeResponses = ofType('AWS::ApiGatewayV2::RouteResponse');
  return ofType('AWS::ApiGatewayV2::Route').map(([routeId, route]) => {
    const integrationId = refOf(route.Properties.Target) as string;
    const integration = resources[integrationId] as Resource;
    const isMock = integration.Properties.IntegrationType === 'MOCK';
    const uri = JSON.stringify(integration.Properties.IntegrationUri ?? '');
    const functionLogicalId = [...functionByLogicalId.keys()].find((id) => uri.includes(`"${id}"`));
    const mockResponse = integrationResponses.find(
      ([, r]) => refOf(r.Properties.IntegrationId) === integrationId,
    );
    const templates = mockResponse?.[1].Properties.ResponseTemplates as
      | Record<string, string>
      | undefined;
    return {
      routeKey: route.Properties.RouteKey as string,
      functionName: isMock ? undefined : functionByLogicalId.get(functionLogicalId as string),
      mockResponseBody: templates ? Object.values(templates)[0] : undefined,
      twoWay: routeResponses.some(([, r]) => refOf(r.Properties.RouteId) === routeId),
    };
  });
}

describe('Route table: the synthesized template and the emulator agree', () => {
  const routes = routesOf(
    Template.fromStack(
      new ChatStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Parity'),
    ),
  );
  const invoked: string[] = [];
  let gateway: Gateway;

  beforeAll(async () => {
    const recorder =
      (name: string): LambdaHandler =>
      async () => {
        invoked.push(name);
        return { statusCode: 200, body: JSON.stringify({ ran: name }) };
      };
    const functions = Object.fromEntries(
      Object.keys(LAMBDA_FUNCTIONS).map((name) => [name, recorder(name)]),
    );
    gateway = await startGateway({ functions, logger: silentLogger });
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('reads a route for every key, each with a function or a MOCK response', () => {
    expect(routes.map((route) => route.routeKey).sort()).toEqual([
      '$connect',
      '$default',
      '$disconnect',
      'ping',
    ]);
    for (const route of routes) expect(route.functionName ?? route.mockResponseBody).toBeDefined();
  });

  it('runs, for every route of the template, the same function or MOCK response, one-way or two-way alike', async () => {
    for (const route of routes.filter(
      (r) => r.routeKey !== '$connect' && r.routeKey !== '$disconnect',
    )) {
      // Prepare
      const client = await ProtocolClient.open(gateway.url);
      invoked.length = 0;
      const action = route.routeKey === '$default' ? 'no-route-has-this-key' : route.routeKey;

      // Act
      client.ws.send(JSON.stringify({ action }));
      await new Promise((resolve) => setTimeout(resolve, 150));

      // Assess
      const replies = client.frames.map((frame) => JSON.stringify(frame));
      if (route.functionName) {
        expect({ route: route.routeKey, invoked }).toEqual({
          route: route.routeKey,
          invoked: [route.functionName],
        });
        expect(replies.length > 0).toBe(route.twoWay);
      } else {
        expect(invoked).toEqual([]);
        expect(replies).toEqual([JSON.stringify(JSON.parse(route.mockResponseBody as string))]);
      }
      client.ws.terminate();
    }
  });

  it("runs the template's $connect and $disconnect functions around a connection", async () => {
    // Prepare
    const connect = routes.find((route) => route.routeKey === '$connect');
    const disconnect = routes.find((route) => route.routeKey === '$disconnect');
    while (gateway.connectionIds().length > 0)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    invoked.length = 0;

    // Act
    const client = await ProtocolClient.open(gateway.url);
    client.close();
    await client.closedWith();
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Assess
    expect(invoked).toEqual([connect?.functionName, disconnect?.functionName]);
  });
});
