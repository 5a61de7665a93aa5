import { noDeferredDelivery } from '../../../lambdas/emitter/no-deferred-delivery';

describe('Constant: noDeferredDelivery', () => {
  it('refuses with an error that says the emitter runs no $connect', async () => {
    // Act / Assess
    await expect(
      noDeferredDelivery.deliverAfterConnect('A00000000000001=', ['{}']),
    ).rejects.toThrow(
      /emitter cannot deliver frames after \$connect \(connection A00000000000001=\)/,
    );
  });
});
