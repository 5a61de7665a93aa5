import { measurePostCpu, microsOf } from '../../bench/post-cpu/post-cpu-suite';
import { POSTERS } from '../../bench/post-cpu/posters';

jest.setTimeout(120_000);

describe('Function: measurePostCpu (each poster in a process of its own)', () => {
  it('measures every poster, the traced one with the X-Ray SDK in its Lambda mode', async () => {
    // Act: it throws when a post is not delivered, or when the traced poster sent no segment.
    const logs: string[] = [];
    const results = await measurePostCpu({ posts: 500, rounds: 1 }, (line) => logs.push(line));

    // Assess
    expect(results.rows.map((row) => row.poster)).toEqual(POSTERS.map((under) => under.name));
    for (const under of POSTERS) expect(microsOf(results, under.id)).toBeGreaterThan(0);
    expect(logs).toHaveLength(POSTERS.length);
    expect(logs).toContainEqual(expect.stringMatching(/^post-cpu: round 1, lean-traced: \d+ µs/));
  });
});
