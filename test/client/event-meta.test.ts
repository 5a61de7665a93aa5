import { eventMeta, readUser } from '../../client/event-meta';

describe('Function: eventMeta', () => {
  it('reads the namespace, room, seq, sender and user of an event frame', () => {
    // Prepare
    const frame = {
      event: 'chat',
      data: 'hi',
      ns: '/chat',
      room: 'lobby',
      seq: 42,
      from: 'c1',
      user: { id: 'al', name: 'Al' },
    };

    // Act
    const meta = eventMeta(frame, '/');

    // Assess
    expect(meta).toEqual({
      ns: '/chat',
      room: 'lobby',
      seq: 42,
      from: 'c1',
      user: { id: 'al', name: 'Al' },
    });
  });

  it("leaves out malformed fields and falls back to the socket's namespace", () => {
    // Prepare
    const frame = { event: 'chat', room: 7, seq: 1.5, from: null, user: { id: 'al' } };

    // Act
    const meta = eventMeta(frame, '/');

    // Assess
    expect(meta).toEqual({ ns: '/' });
  });
});

describe('Function: readUser', () => {
  it.each([null, 'al', { id: 'al' }, { id: 1, name: 'Al' }])('rejects %p', (value) => {
    // Prepare & Act
    const user = readUser(value);

    // Assess
    expect(user).toBeUndefined();
  });

  it('keeps only id and name', () => {
    // Prepare & Act
    const user = readUser({ id: 'al', name: 'Al', role: 'admin' });

    // Assess
    expect(user).toEqual({ id: 'al', name: 'Al' });
  });
});
