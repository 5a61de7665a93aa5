import { formatCostMarkdown } from '../../../bench/cost/cost-report';
import type { CostResults } from '../../../bench/cost/cost-suite';

const plan = {
  roomSizes: [],
  others: 0,
  namespaceSweep: [],
  repeats: 3,
  lambdaMemoryMb: 512,
  otherMemoryMb: 256,
};

describe('Function: formatCostMarkdown', () => {
  it("shows the DynamoDB client's CPU per read before and after, with every round", () => {
    // Prepare
    const results: CostResults = {
      plan,
      rows: [],
      sweep: [],
      clientCpu: {
        roomSize: 100,
        reads: 500,
        sdkDefaultMicros: [861, 787, 790],
        chatMicros: [632, 626, 640],
      },
    };

    // Act
    const markdown = formatCostMarkdown(results);

    // Assess
    expect(markdown).toContain("### The DynamoDB client's own CPU");
    expect(markdown).toContain('per read of a room of 100');
    expect(markdown).toContain(
      '| SDK default (`DynamoDBDocumentClient.from`, logger middleware on) | 790 | 861, 787, 790 |',
    );
    expect(markdown).toContain(
      '| `chatDocumentClient` (no logger middleware) | 632 | 632, 626, 640 |',
    );
    expect(markdown).toContain('Before → after: **790 → 632 µs** per read (20 % less).');
  });

  it('leaves the section out of results measured without it', () => {
    // Act
    const markdown = formatCostMarkdown({ plan, rows: [], sweep: [] });

    // Assess
    expect(markdown).not.toContain("DynamoDB client's own CPU");
  });
});
