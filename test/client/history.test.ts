import { readHistoryPage } from '../../client/history';

describe('Function: readHistoryPage', () => {
  it('reads a history ack, keeping the well-formed messages in seq order', () => {
    // Prepare
    const reply = {
      room: 'lobby',
      messages: [
        { seq: 5, event: 'chat', data: 'b', from: 'c1', user: { id: 'al', name: 'Al' }, at: 2 },
        { seq: 4, event: 'chat', at: 1 },
        { seq: 0, event: 'chat', data: 'bad seq' },
        { seq: 6, data: 'no event' },
        { seq: 7, event: 'chat', data: 'bad user', user: { id: 1 } },
        'junk',
      ],
      head: 9,
      next: 7,
      trimmed: true,
    };

    // Act
    const page = readHistoryPage(reply);

    // Assess
    expect(page).toEqual({
      messages: [
        { seq: 4, event: 'chat', data: null, at: 1 },
        { seq: 5, event: 'chat', data: 'b', from: 'c1', user: { id: 'al', name: 'Al' }, at: 2 },
        { seq: 7, event: 'chat', data: 'bad user' },
      ],
      head: 9,
      next: 7,
      trimmed: true,
    });
  });

  it('reads the history of a join ack, which has no head', () => {
    // Prepare
    const history = { messages: [], trimmed: false };

    // Act
    const page = readHistoryPage(history);

    // Assess
    expect(page).toEqual({ messages: [], head: undefined, next: undefined, trimmed: false });
  });

  it.each([undefined, null, 'page', { room: 'lobby' }, { messages: 'none' }])(
    'returns undefined for a reply without a messages array: %p',
    (reply) => {
      // Prepare & Act
      const page = readHistoryPage(reply);

      // Assess
      expect(page).toBeUndefined();
    },
  );
});
