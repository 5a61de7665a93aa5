import { DYNAMODB_ROLE, GATEWAY_ROLE } from '../../bench/e2e/process-cpu';
import { MESSAGE_ROLE, measureMessageCpu } from '../../bench/fanout/message-cpu';

jest.setTimeout(120_000);

describe('Function: measureMessageCpu (real local runtime)', () => {
  it("measures the CPU of each process per traced room message to one recipient: the message function's, DynamoDB Local's, the gateway's", async () => {
    // Act
    const logs: string[] = [];
    const result = await measureMessageCpu(
      { warmUpMessages: 3, messages: 10, perSecond: 20, tracing: true },
      (line) => logs.push(line),
    );

    // Assess: every message reached its recipient and traced (or it throws), and each process
    // worked for it.
    expect(result).toMatchObject({ warmUpMessages: 3, messages: 10, tracing: true });
    for (const role of [MESSAGE_ROLE, DYNAMODB_ROLE, GATEWAY_ROLE])
      expect(result.microsPerMessage[role]).toBeGreaterThan(0);
    expect(logs).toEqual(['fanout: a room of 2, 3 messages to warm up, 10 measured, tracing on']);
  });
});
