import { InMemorySessionStore } from '../../../lambdas/core/in-memory-session-store';
import { describeSessionStoreContract, sessionFor } from '../../support/session-store-contract';

describeSessionStoreContract('InMemorySessionStore', () => new InMemorySessionStore());

describe('InMemorySessionStore', () => {
  it('hands out copies: changing one changes nothing stored', async () => {
    // Prepare
    const store = new InMemorySessionStore();
    const session = sessionFor();
    await store.open(session);

    // Act
    const read = await store.get(session.id);
    (read?.handshake.query as Record<string, string>).room = 'changed';

    // Assess
    expect((await store.get(session.id))?.handshake.query.room).toBe('lobby');
  });
});
