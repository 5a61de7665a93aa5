import type { Context } from 'aws-lambda';
import type { LambdaCallback } from '../../../local/gateway/lambda-handler';
import { LambdaRunner } from '../../../local/gateway/lambda-runner';
import { silentLogger } from '../../../local/gateway/logger';

const environment = { region: 'eu-west-1', accountId: '111122223333', memoryMb: 256 };

function createRunner(options: Partial<ConstructorParameters<typeof LambdaRunner>[0]> = {}) {
  return new LambdaRunner({
    environment,
    timeoutMs: 1_000,
    asyncRetryDelaysMs: [],
    logger: silentLogger,
    ...options,
  });
}

describe('Class: LambdaRunner', () => {
  describe('Method: invoke', () => {
    it('resolves with the result of an async handler and passes a realistic context', async () => {
      // Prepare
      const runner = createRunner();
      let seen: Context | undefined;
      runner.register({
        fn: async (event: unknown, context: Context) => {
          seen = context;
          return { got: event };
        },
      });

      // Act
      const outcome = await runner.invoke('fn', { a: 1 });

      // Assess
      expect(outcome).toEqual({ kind: 'result', value: { got: { a: 1 } } });
      expect(seen).toMatchObject({
        functionName: 'fn',
        invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:fn',
        memoryLimitInMB: '256',
        callbackWaitsForEmptyEventLoop: true,
      });
      expect(seen?.getRemainingTimeInMillis()).toBeLessThanOrEqual(1_000);
    });

    it('supports callback-style and context.succeed handlers', async () => {
      const runner = createRunner();
      runner.register({
        callback: (_event: unknown, _context: Context, callback: LambdaCallback) => {
          setTimeout(() => callback(null, 'via callback'), 5);
        },
        succeed: (_event: unknown, context: Context) => {
          context.succeed('via succeed');
        },
      });

      expect(await runner.invoke('callback', {})).toEqual({
        kind: 'result',
        value: 'via callback',
      });
      expect(await runner.invoke('succeed', {})).toEqual({ kind: 'result', value: 'via succeed' });
    });

    it('turns thrown errors, rejections and callback errors into error outcomes', async () => {
      const runner = createRunner();
      const error = new Error('boom');
      runner.register({
        throws: () => {
          throw error;
        },
        rejects: async () => Promise.reject(error),
        callback: (_e: unknown, _c: Context, callback: LambdaCallback) => callback(error),
      });

      for (const name of ['throws', 'rejects', 'callback']) {
        expect(await runner.invoke(name, {})).toEqual({ kind: 'error', error });
      }
    });

    it('logs a failure with its error, but not an error the caller calls an answer', async () => {
      // Prepare
      const logger = { info: jest.fn(), error: jest.fn() };
      const runner = createRunner({ logger });
      const unauthorized = new Error('Unauthorized');
      const failure = new Error('database down');
      runner.register({
        refuses: () => {
          throw unauthorized;
        },
        fails: () => {
          throw failure;
        },
      });
      const isAnswer = (error: unknown): boolean => error === unauthorized;

      // Act
      const refused = await runner.invoke('refuses', {}, { isAnswer });
      const failed = await runner.invoke('fails', {}, { isAnswer });

      // Assess
      expect(refused).toEqual({ kind: 'error', error: unauthorized });
      expect(failed).toEqual({ kind: 'error', error: failure });
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringMatching(/^function fails \(request [\w-]+\) failed$/),
        failure,
      );
    });

    it('ends as timeout after the function timeout', async () => {
      const runner = createRunner({ timeoutMs: 50 });
      runner.register({ slow: () => new Promise((resolve) => setTimeout(resolve, 200)) });

      expect(await runner.invoke('slow', {})).toEqual({ kind: 'timeout', timeoutMs: 50 });
      await runner.drain();
    });

    it('answers not-found for an unregistered function', async () => {
      expect(await createRunner().invoke('missing', {})).toEqual({ kind: 'not-found' });
    });
  });

  describe('Method: invokeAsync', () => {
    it('returns before the handler runs and retries failures after each delay', async () => {
      // Prepare
      const runner = createRunner({ asyncRetryDelaysMs: [10, 10] });
      const attempts: number[] = [];
      runner.register({
        flaky: async () => {
          attempts.push(Date.now());
          if (attempts.length < 3) throw new Error('not yet');
        },
      });

      // Act
      runner.invokeAsync('flaky', {});

      // Assess
      expect(attempts).toHaveLength(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(attempts).toHaveLength(3);
      await runner.drain();
    });
  });

  describe('Method: drain', () => {
    it('cancels pending retries and waits for running invocations', async () => {
      const runner = createRunner({ asyncRetryDelaysMs: [1_000] });
      let finished = 0;
      runner.register({
        fails: async () => {
          throw new Error('no');
        },
        slow: async () => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          finished += 1;
        },
      });
      runner.invokeAsync('fails', {});
      await new Promise((resolve) => setTimeout(resolve, 10));
      void runner.invoke('slow', {});

      await runner.drain();

      expect(finished).toBe(1);
    });
  });
});
