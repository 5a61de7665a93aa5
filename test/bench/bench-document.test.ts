import { type BenchResult, renderBenchmarks } from '../../bench/bench-document';

const MACHINE = { cpu: 'Test CPU', cores: 2, memoryGb: 24, os: 'Linux', node: '22.23.3' };

function result(id: string, title: string, durationS: number): BenchResult {
  return {
    section: {
      id,
      title,
      command: `npm run bench -- --suite ${id}`,
      markdown: `${title} body`,
      data: {},
    },
    machine: MACHINE,
    finishedAt: '2026-12-04T23:00:00.000Z',
    durationS,
  };
}

describe('Function: renderBenchmarks', () => {
  it('orders the sections, names each command and time, and says how long the suites took together', () => {
    // Act
    const markdown = renderBenchmarks([
      result('fanout', 'Fan-out', 130.4),
      result('cost', 'Cost per operation', 12.2),
      result('cold-start', 'Cold start', 250),
    ]);

    // Assess: 392.6 s is 6.5 minutes, rounded up.
    expect(markdown).toContain('the runs below took 7 minutes together');
    const headings = [...markdown.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(headings).toEqual(['Contents', 'Cost per operation', 'Cold start', 'Fan-out']);
    expect(markdown).toContain(
      'Command: `npm run bench -- --suite fanout` · 2026-12-04 · 130 s · 2 × Test CPU, 24 GB, Linux, Node 22.23.3',
    );
  });
});
