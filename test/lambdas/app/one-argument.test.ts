import { oneArgument } from '../../../lambdas/app/one-argument';
import { ChatError } from '../../../lambdas/core/errors';
import type { Socket } from '../../../lambdas/core/socket';

const socket = {} as Socket;

describe('Function: oneArgument', () => {
  const seen = jest.fn();
  const handler = oneArgument((_socket, data, ack) => {
    seen(data);
    ack('answered');
  });

  beforeEach(() => seen.mockClear());

  it('passes the one argument and the client’s ack', () => {
    const ack = jest.fn();
    handler(socket, { room: 'a' }, ack);
    expect(seen).toHaveBeenCalledWith({ room: 'a' });
    expect(ack).toHaveBeenCalledWith('answered');
  });

  it('passes undefined data when only an ack came, and a no-op ack when none did', () => {
    const ack = jest.fn();
    handler(socket, ack);
    expect(seen).toHaveBeenLastCalledWith(undefined);
    expect(ack).toHaveBeenCalledWith('answered');
    expect(() => handler(socket, 'no ack asked')).not.toThrow();
    expect(seen).toHaveBeenLastCalledWith('no ack asked');
  });

  it('refuses more than one argument with BAD_REQUEST, before the handler runs', () => {
    expect(() => handler(socket, 1, 2, jest.fn())).toThrow(
      new ChatError('BAD_REQUEST', 'This event takes one argument, not 2'),
    );
    expect(seen).not.toHaveBeenCalled();
  });
});
