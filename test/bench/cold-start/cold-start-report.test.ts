import {
  type ColdStartRow,
  formatColdStartMarkdown,
} from '../../../bench/cold-start/cold-start-suite';

function row(name: ColdStartRow['function'], bytes: number, loadMs: number): ColdStartRow {
  return {
    function: name,
    entry: `lambdas/handlers/${name}.ts`,
    bytes,
    gzipBytes: Math.round(bytes / 3),
    mapBytes: bytes * 2,
    loadMsMedian: loadMs,
    loadMsNoSourceMapsMedian: loadMs - 5,
    firstRequestMsMedian: 10,
    samples: { withSourceMaps: [], without: [] },
  };
}

describe('Function: formatColdStartMarkdown, goal', () => {
  it('says both goals are met when every chat function is within them, whatever the Nest one does', () => {
    // Act
    const markdown = formatColdStartMarkdown({
      plan: { runs: 11 },
      rows: [
        row('message', 149_050, 96.2),
        row('authorize', 54_327, 34),
        row('nest-message', 705_018, 190),
      ],
    });

    // Assess
    expect(markdown).toContain(
      'Goal: chat bundles at most 150,000 bytes and module load at most 100 ms (as deployed, source maps on): bundles met (largest: message, 149,050); module load met (slowest: message, 96.2 ms).',
    );
  });

  it('names the function over each goal', () => {
    // Act
    const markdown = formatColdStartMarkdown({
      plan: { runs: 11 },
      rows: [row('message', 149_050, 96.2), row('worker', 150_001, 104.4)],
    });

    // Assess
    expect(markdown).toContain(
      'bundles **not met** (largest: worker, 150,001); module load **not met** (slowest: worker, 104.4 ms).',
    );
  });
});
