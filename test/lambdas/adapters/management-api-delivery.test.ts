import {
  ApiGatewayManagementApiClient,
  ForbiddenException,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ManagementApiDelivery } from '../../../lambdas/adapters/management-api-delivery';

const apiMock = mockClient(ApiGatewayManagementApiClient);

describe('Class: ManagementApiDelivery', () => {
  afterEach(() => {
    apiMock.reset();
  });

  describe('Method: post', () => {
    it('posts the frame as Data to the connection and resolves delivered', async () => {
      // Prepare
      apiMock.on(PostToConnectionCommand).resolves({});
      const delivery = new ManagementApiDelivery({
        endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      });

      // Act
      const result = await delivery.post('R1kmxc2VNjMCFIA=', '{"event":"hello"}');

      // Assess
      expect(result).toBe('delivered');
      expect(apiMock).toHaveReceivedCommandTimes(PostToConnectionCommand, 1);
      expect(apiMock).toHaveReceivedCommandWith(PostToConnectionCommand, {
        ConnectionId: 'R1kmxc2VNjMCFIA=',
        Data: '{"event":"hello"}',
      });
    });

    it('resolves gone for a GoneException', async () => {
      // Prepare
      apiMock
        .on(PostToConnectionCommand)
        .rejects(new GoneException({ message: 'gone', $metadata: {} }));
      const delivery = new ManagementApiDelivery({
        client: new ApiGatewayManagementApiClient({ region: 'local' }),
      });

      // Act
      const result = await delivery.post('R1kmxc2VNjMCFIA=', '{}');

      // Assess
      expect(result).toBe('gone');
    });

    it('recognises GoneException by its name, not by its status code', async () => {
      // Prepare
      const byName = Object.assign(new Error('gone'), { name: 'GoneException' });
      const byStatusOnly = Object.assign(new Error('Unknown'), {
        name: 'Unknown',
        $metadata: { httpStatusCode: 410 },
      });
      apiMock.on(PostToConnectionCommand).rejectsOnce(byName).rejectsOnce(byStatusOnly);
      const delivery = new ManagementApiDelivery({
        client: new ApiGatewayManagementApiClient({ region: 'local' }),
      });

      // Act
      const first = await delivery.post('R1kmxc2VNjMCFIA=', '{}');
      const second = delivery.post('R1kmxc2VNjMCFIA=', '{}');

      // Assess
      expect(first).toBe('gone');
      await expect(second).rejects.toBe(byStatusOnly);
    });

    it('rethrows every other error', async () => {
      // Prepare
      const forbidden = new ForbiddenException({ message: 'Forbidden', $metadata: {} });
      apiMock.on(PostToConnectionCommand).rejects(forbidden);
      const delivery = new ManagementApiDelivery({
        client: new ApiGatewayManagementApiClient({ region: 'local' }),
      });

      // Act
      const posting = delivery.post('R1kmxc2VNjMCFIA=', '{}');

      // Assess
      await expect(posting).rejects.toBe(forbidden);
    });
  });
});
