import WebSocket from 'ws';
import { resolveOptions } from '../../client/options';

describe('Function: resolveOptions', () => {
  it('enables recovery with a 1 s gap wait by default, without initial cursors', () => {
    // Prepare & Act
    const options = resolveOptions({ WebSocket });

    // Assess
    expect(options.recovery).toEqual({ enabled: true, gapWaitMs: 1_000 });
    expect(options.initialSeqs.size).toBe(0);
  });

  it('takes the recovery settings given, keeping defaults for those left undefined', () => {
    // Prepare & Act
    const options = resolveOptions({ WebSocket, recovery: { enabled: undefined, gapWaitMs: 50 } });

    // Assess
    expect(options.recovery).toEqual({ enabled: true, gapWaitMs: 50 });
  });

  it('keeps only the initial cursors that are integers ≥ 0', () => {
    // Prepare & Act
    const options = resolveOptions({
      WebSocket,
      initialSeqs: {
        lobby: 12,
        empty: 0,
        negative: -1,
        fraction: 1.5,
        text: '3' as unknown as number,
      },
    });

    // Assess
    expect([...options.initialSeqs]).toEqual([
      ['lobby', 12],
      ['empty', 0],
    ]);
  });
});
