import { createChatRuntime } from '../../../lambdas/handlers/chat-runtime';

describe('Function: createChatRuntime', () => {
  const base = {
    TABLE_NAME: 'chat',
    CALLBACK_URL: 'http://127.0.0.1:1/local',
    AWS_REGION: 'us-east-1',
  };

  it('accepts PRIVATE_ROOMS as JSON allow-lists of private: rooms', () => {
    expect(() =>
      createChatRuntime({ env: { ...base, PRIVATE_ROOMS: '{"private:ops":["alice"]}' } }),
    ).not.toThrow();
  });

  it.each(['nope', '{"ops":["alice"]}', '{"private:ops":"alice"}'])(
    'refuses PRIVATE_ROOMS=%s at start-up instead of serving with a wrong policy',
    (value) => {
      expect(() => createChatRuntime({ env: { ...base, PRIVATE_ROOMS: value } })).toThrow(
        /PRIVATE_ROOMS/,
      );
    },
  );
});
