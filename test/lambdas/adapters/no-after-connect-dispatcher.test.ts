import { noAfterConnectDispatcher } from '../../../lambdas/adapters/no-after-connect-dispatcher';

describe('Function: noAfterConnectDispatcher', () => {
  it('refuses with an error that says the emitter runs no $connect', async () => {
    // Act / Assess
    await expect(
      noAfterConnectDispatcher('The emitter', "only the chat's connect handler does").dispatch(
        'A00000000000001=',
        ['{}'],
      ),
    ).rejects.toThrow(
      /emitter cannot deliver frames after \$connect \(connection A00000000000001=\)/,
    );
  });
});
