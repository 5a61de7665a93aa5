import { noDeferredDelivery } from '../../../lambdas/adapters/no-deferred-delivery';

describe('Function: noDeferredDelivery', () => {
  it('refuses with an error that says the emitter runs no $connect', async () => {
    // Act / Assess
    await expect(
      noDeferredDelivery('The emitter', "only the chat's connect handler does").deliverAfterConnect(
        'A00000000000001=',
        ['{}'],
      ),
    ).rejects.toThrow(
      /emitter cannot deliver frames after \$connect \(connection A00000000000001=\)/,
    );
  });
});
