import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  ForbiddenException,
  GoneException,
  LimitExceededException,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ManagementApiCloser } from '../../../lambdas/adapters/management-api-closer';

const apiMock = mockClient(ApiGatewayManagementApiClient);
const ID = 'R1kmxc2VNjMCFIA=';

const closer = () =>
  new ManagementApiCloser({
    client: new ApiGatewayManagementApiClient({ region: 'local' }),
    retry: { random: () => 0.5, sleep: async () => undefined },
  });

describe('Class: ManagementApiCloser', () => {
  beforeEach(() => apiMock.reset());

  it('closes a connection with DeleteConnection', async () => {
    apiMock.on(DeleteConnectionCommand).resolves({});
    expect(await closer().close(ID)).toBe('closed');
    expect(apiMock).toHaveReceivedCommandWith(DeleteConnectionCommand, { ConnectionId: ID });
  });

  it('answers gone for a GoneException, recognised by its name', async () => {
    apiMock
      .on(DeleteConnectionCommand)
      .rejects(new GoneException({ message: 'gone', $metadata: {} }));
    expect(await closer().close(ID)).toBe('gone');
    expect(apiMock).toHaveReceivedCommandTimes(DeleteConnectionCommand, 1);
  });

  it('retries throttling, then succeeds', async () => {
    apiMock
      .on(DeleteConnectionCommand)
      .rejectsOnce(
        new LimitExceededException({ message: 'slow', $metadata: { httpStatusCode: 429 } }),
      )
      .resolves({});
    expect(await closer().close(ID)).toBe('closed');
    expect(apiMock).toHaveReceivedCommandTimes(DeleteConnectionCommand, 2);
  });

  it('rethrows a 403 at once', async () => {
    apiMock
      .on(DeleteConnectionCommand)
      .rejects(new ForbiddenException({ message: 'no', $metadata: { httpStatusCode: 403 } }));
    await expect(closer().close(ID)).rejects.toThrow('no');
    expect(apiMock).toHaveReceivedCommandTimes(DeleteConnectionCommand, 1);
  });
});
