import {
  ApiGatewayManagementApiClient,
  ApiGatewayManagementApiServiceException,
  ForbiddenException,
  GoneException,
  LimitExceededException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  isRetryablePostError,
  ManagementApiPoster,
} from '../../../lambdas/adapters/management-api-poster';
import type { RetryPolicy } from '../../../lambdas/core/retry';

const apiMock = mockClient(ApiGatewayManagementApiClient);
const ID = 'R1kmxc2VNjMCFIA=';

const throttled = () =>
  new LimitExceededException({ message: 'slow down', $metadata: { httpStatusCode: 429 } });
/** An error the SDK deserialised from a response it has no model for, e.g. a 500. */
const serviceError = (name: string, httpStatusCode: number) =>
  new ApiGatewayManagementApiServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    message: name,
    $metadata: { httpStatusCode },
  });

/** A poster on a fresh client whose retries wait nothing and record each wait. */
function deliveryRecordingWaits(retry: RetryPolicy = {}) {
  const waits: number[] = [];
  const poster = new ManagementApiPoster({
    client: new ApiGatewayManagementApiClient({ region: 'local' }),
    retry: {
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...retry,
    },
  });
  return { poster, waits };
}

describe('Class: ManagementApiPoster', () => {
  afterEach(() => {
    apiMock.reset();
  });

  describe('Method: post', () => {
    it('posts the frame as Data to the connection and resolves delivered', async () => {
      // Prepare
      apiMock.on(PostToConnectionCommand).resolves({});
      const poster = new ManagementApiPoster({
        endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      });

      // Act
      const result = await poster.post('R1kmxc2VNjMCFIA=', '{"event":"hello"}');

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
      const poster = new ManagementApiPoster({
        client: new ApiGatewayManagementApiClient({ region: 'local' }),
      });

      // Act
      const result = await poster.post('R1kmxc2VNjMCFIA=', '{}');

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
      const poster = new ManagementApiPoster({
        client: new ApiGatewayManagementApiClient({ region: 'local' }),
      });

      // Act
      const first = await poster.post('R1kmxc2VNjMCFIA=', '{}');
      const second = poster.post('R1kmxc2VNjMCFIA=', '{}');

      // Assess
      expect(first).toBe('gone');
      await expect(second).rejects.toBe(byStatusOnly);
    });

    it('rethrows every other error', async () => {
      // Prepare
      const forbidden = new ForbiddenException({ message: 'Forbidden', $metadata: {} });
      apiMock.on(PostToConnectionCommand).rejects(forbidden);
      const poster = new ManagementApiPoster({
        client: new ApiGatewayManagementApiClient({ region: 'local' }),
      });

      // Act
      const posting = poster.post('R1kmxc2VNjMCFIA=', '{}');

      // Assess
      await expect(posting).rejects.toBe(forbidden);
    });
  });

  describe('Retries', () => {
    it('retries LimitExceededException with jittered exponential waits and delivers once', async () => {
      // Prepare
      apiMock
        .on(PostToConnectionCommand)
        .rejectsOnce(throttled())
        .rejectsOnce(throttled())
        .resolves({});
      const { poster, waits } = deliveryRecordingWaits();

      // Act
      const result = await poster.post(ID, '{"event":"chat"}');

      // Assess
      expect(result).toBe('delivered');
      expect(apiMock).toHaveReceivedCommandTimes(PostToConnectionCommand, 3);
      expect(waits).toEqual([25, 50]);
      for (const call of apiMock.commandCalls(PostToConnectionCommand)) {
        expect(call.args[0].input).toEqual({ ConnectionId: ID, Data: '{"event":"chat"}' });
      }
    });

    it.each([
      [
        'InternalServerErrorException (500)',
        () => serviceError('InternalServerErrorException', 500),
      ],
      ['ServiceUnavailable (503)', () => serviceError('ServiceUnavailable', 503)],
      ['an unnamed 502', () => serviceError('Unknown', 502)],
      ['a 429 by status only', () => serviceError('Unknown', 429)],
      [
        'an error the SDK marks $retryable',
        () => Object.assign(new Error('busy'), { name: 'Busy', $retryable: { throttling: true } }),
      ],
      ['ECONNRESET', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ])('retries %s', async (_case, error) => {
      // Prepare
      apiMock.on(PostToConnectionCommand).rejectsOnce(error()).resolves({});
      const { poster, waits } = deliveryRecordingWaits();

      // Act
      const result = await poster.post(ID, '{}');

      // Assess
      expect(result).toBe('delivered');
      expect(apiMock).toHaveReceivedCommandTimes(PostToConnectionCommand, 2);
      expect(waits).toHaveLength(1);
    });

    it('gives up after 3 retries (4 posts, 350 ms of ceilings) and rethrows the last error', async () => {
      // Prepare
      const last = serviceError('InternalServerErrorException', 500);
      apiMock
        .on(PostToConnectionCommand)
        .rejectsOnce(throttled())
        .rejectsOnce(serviceError('ServiceUnavailable', 503))
        .rejectsOnce(throttled())
        .rejectsOnce(last)
        .resolves({});
      const { poster, waits } = deliveryRecordingWaits({ random: () => 0.999_999 });

      // Act
      const posting = poster.post(ID, '{}');

      // Assess
      await expect(posting).rejects.toBe(last);
      expect(apiMock).toHaveReceivedCommandTimes(PostToConnectionCommand, 4);
      expect(waits.map(Math.round)).toEqual([50, 100, 200]);
    });

    it('honours its retry options, capping each wait', async () => {
      // Prepare
      apiMock.on(PostToConnectionCommand).rejects(throttled());
      const { poster, waits } = deliveryRecordingWaits({
        retries: 5,
        baseDelayMs: 100,
        maxDelayMs: 300,
        random: () => 0.999_999,
      });

      // Act
      const posting = poster.post(ID, '{}');

      // Assess
      await expect(posting).rejects.toThrow('slow down');
      expect(apiMock).toHaveReceivedCommandTimes(PostToConnectionCommand, 6);
      expect(waits.map(Math.round)).toEqual([100, 200, 300, 300, 300]);
    });

    it('resolves gone at once, without retrying, for a GoneException', async () => {
      // Prepare
      apiMock
        .on(PostToConnectionCommand)
        .rejectsOnce(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }))
        .resolves({});
      const { poster, waits } = deliveryRecordingWaits();

      // Act
      const result = await poster.post(ID, '{}');

      // Assess
      expect(result).toBe('gone');
      expect(apiMock).toHaveReceivedCommandTimes(PostToConnectionCommand, 1);
      expect(waits).toEqual([]);
    });

    it('resolves gone when a retry of a throttled post finds the connection gone', async () => {
      // Prepare
      apiMock
        .on(PostToConnectionCommand)
        .rejectsOnce(throttled())
        .rejectsOnce(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));
      const { poster } = deliveryRecordingWaits();

      // Act
      const result = await poster.post(ID, '{}');

      // Assess
      expect(result).toBe('gone');
      expect(apiMock).toHaveReceivedCommandTimes(PostToConnectionCommand, 2);
    });

    it.each([
      ['BadRequestException (400)', () => serviceError('BadRequestException', 400)],
      [
        'ForbiddenException (403)',
        () => new ForbiddenException({ message: 'Forbidden', $metadata: { httpStatusCode: 403 } }),
      ],
      [
        'PayloadTooLargeException (413)',
        () =>
          new PayloadTooLargeException({
            message: 'too large',
            $metadata: { httpStatusCode: 413 },
          }),
      ],
      ['a bare 410 without the error type', () => serviceError('Unknown', 410)],
    ])('rethrows %s at once, without retrying', async (_case, error) => {
      // Prepare
      const failure = error();
      apiMock.on(PostToConnectionCommand).rejectsOnce(failure).resolves({});
      const { poster, waits } = deliveryRecordingWaits();

      // Act
      const posting = poster.post(ID, '{}');

      // Assess
      await expect(posting).rejects.toBe(failure);
      expect(apiMock).toHaveReceivedCommandTimes(PostToConnectionCommand, 1);
      expect(waits).toEqual([]);
    });

    it('builds its own client with maxAttempts 1, so the SDK does not retry under it', async () => {
      // Prepare
      apiMock.on(PostToConnectionCommand).resolves({});
      const poster = new ManagementApiPoster({
        endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      });

      // Act
      await poster.post(ID, '{}');

      // Assess
      const client = apiMock.send.getCall(0).thisValue as ApiGatewayManagementApiClient;
      expect(await client.config.maxAttempts()).toBe(1);
    });
  });

  describe('Function: isRetryablePostError', () => {
    it('accepts throttling and server errors and refuses client errors and non-errors', () => {
      expect(isRetryablePostError(throttled())).toBe(true);
      expect(isRetryablePostError(serviceError('InternalFailure', 500))).toBe(true);
      expect(isRetryablePostError(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(
        true,
      );
      expect(isRetryablePostError(serviceError('BadRequestException', 400))).toBe(false);
      expect(isRetryablePostError(new GoneException({ message: 'g', $metadata: {} }))).toBe(false);
      expect(isRetryablePostError('LimitExceededException')).toBe(false);
    });
  });
});
