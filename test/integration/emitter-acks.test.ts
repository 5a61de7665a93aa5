import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { createDynamoDbDocumentClient } from '../../lambdas/adapters/dynamodb-document-client';
import { managementApiClientConfig } from '../../lambdas/adapters/management-api-poster';
import { AckTimeoutError } from '../../lambdas/core/errors';
import { createEmitter } from '../../lambdas/emitter/create-emitter';
import { LOCAL_AWS, silentLogger } from '../../local/gateway';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime';
import { ProtocolClient } from '../support/protocol-client';

jest.setTimeout(60_000);

/**
 * The emitter library waits for acks as handlers do: its question reaches the clients, each
 * client's answer lands in the chat's message function (another process), and the emitter
 * reads it from the table.
 */
describe('Emitter: acked emits against the local runtime', () => {
  let runtime: LocalRuntime;
  const clients: ProtocolClient[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      auth: { mode: 'anonymous' },
      gateway: { logger: silentLogger },
    });
  });

  afterAll(async () => {
    for (const client of clients) client.ws.terminate();
    await runtime?.close();
  });

  const emitter = () =>
    createEmitter({
      tableName: runtime.tableName,
      endpoint: runtime.gateway.managementUrl,
      dynamoDb: createDynamoDbDocumentClient({ endpoint: runtime.dynamoDbEndpoint, ...LOCAL_AWS }),
      managementApi: new ApiGatewayManagementApiClient({
        ...managementApiClientConfig,
        ...LOCAL_AWS,
        endpoint: runtime.gateway.managementUrl,
      }),
    });

  /** A client in `room` that answers every question with `answer` (or stays silent). */
  const member = async (room: string, answer?: string): Promise<ProtocolClient> => {
    const client = await ProtocolClient.open(`${runtime.gateway.url}?ns=/`);
    clients.push(client);
    await client.request('join', { room });
    if (answer !== undefined) {
      void client
        .take((frame) => typeof frame.ack === 'string')
        .then((frame) => {
          client.send({ ack: frame.ack, data: answer });
        });
    }
    return client;
  };

  it('resolves with every member’s answer', async () => {
    await member('jury', 'guilty');
    await member('jury', 'innocent');

    const votes = await emitter().to('jury').timeout(5_000).emitWithAck('verdict', 'case 7');

    expect([...votes].sort()).toEqual(['guilty', 'innocent']);
  });

  it('rejects with the timeout error, holding the answers that came', async () => {
    await member('panel', 'yes');
    await member('panel');

    const outcome = await emitter()
      .to('panel')
      .timeout(1_000)
      .emitWithAck('agree')
      .catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(AckTimeoutError);
    expect((outcome as AckTimeoutError).responses).toEqual(['yes']);
  });
});
