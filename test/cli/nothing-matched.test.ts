import type { EmitCommand } from '../../cli/emit-arguments';
import { reachedNobody, unknownNamespace, whyNobody } from '../../cli/nothing-matched';
import type { BroadcastReport } from '../../lambdas/core/adapter';
import { InMemoryMembershipStore } from '../../lambdas/core/in-memory-membership-store';

const ANN = 'A00000000000001=';
const GHOST = 'G00000000000009=';

const NOBODY: BroadcastReport = { recipients: 0, delivered: 0, gone: 0, failed: 0, dispatched: 0 };

function command(overrides: Partial<EmitCommand> = {}): EmitCommand {
  return {
    namespace: '/notification',
    rooms: [],
    connections: [],
    except: [],
    event: 'hello',
    data: undefined,
    json: false,
    ...overrides,
  };
}

async function storeWithAnnIn(ns: string, rooms: string[]): Promise<InMemoryMembershipStore> {
  const store = new InMemoryMembershipStore();
  const record = { id: ANN, ns, rooms: [], data: {}, connectedAt: 1, expiresAt: 9_999_999_999 };
  await store.addConnection(record);
  await store.join(record, rooms);
  return store;
}

describe('Function: reachedNobody', () => {
  it.each([
    [NOBODY, true],
    [{ ...NOBODY, recipients: 1, gone: 1 }, true],
    [{ ...NOBODY, recipients: 1, delivered: 1 }, false],
    [{ ...NOBODY, recipients: 1, failed: 1 }, false],
    [{ ...NOBODY, recipients: 900, dispatched: 900 }, false],
  ])('%j: %s', (report, expected) => {
    expect(reachedNobody(report)).toBe(expected);
  });
});

describe('Function: unknownNamespace', () => {
  it('names the namespaces the chat has when it does not have this one', () => {
    expect(unknownNamespace('/notifications', ['/notification', '/', '/chat'])).toBe(
      'unknown namespace /notifications: the chat has /, /chat, /notification',
    );
    expect(unknownNamespace('/chat', ['/', '/chat'])).toBeUndefined();
  });
});

describe('Function: whyNobody', () => {
  it('names a room without members', async () => {
    const store = await storeWithAnnIn('/notification', ['room1']);

    const reasons = await whyNobody(command({ rooms: ['room1', 'room9'] }), NOBODY, store);

    expect(reasons).toEqual(['room room9 of /notification has no members']);
  });

  it('names an unknown or closed connection, and one of another namespace', async () => {
    const store = await storeWithAnnIn('/', []);

    const reasons = await whyNobody(command({ connections: [GHOST, ANN] }), NOBODY, store);

    expect(reasons).toEqual([
      `no connection ${GHOST}: it closed, or never existed`,
      `connection ${ANN} is in namespace /, not /notification`,
    ]);
  });

  it('counts recipients found gone', async () => {
    const store = new InMemoryMembershipStore();
    const report = { ...NOBODY, recipients: 2, gone: 2 };

    const reasons = await whyNobody(command({ rooms: ['room1'] }), report, store);

    expect(reasons).toEqual([
      '2 recipient(s) had closed their connection, now removed',
      'room room1 of /notification has no members',
    ]);
  });

  it('says when nobody is connected to the namespace', async () => {
    const reasons = await whyNobody(command(), NOBODY, new InMemoryMembershipStore());

    expect(reasons).toEqual(['nobody is connected to /notification']);
  });

  it('blames --except when the audience had members', async () => {
    const store = await storeWithAnnIn('/notification', ['room1']);

    const reasons = await whyNobody(command({ rooms: ['room1'], except: [ANN] }), NOBODY, store);

    expect(reasons).toEqual(['--except left out every member']);
  });
});
