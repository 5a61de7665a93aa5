import { describeState } from '../../web/connection-status';

describe('Function: describeState', () => {
  it('names the user, never the connection id, when connected', () => {
    // Prepare & Act
    const text = describeState({ kind: 'connected', name: 'Ann', id: 'R1kmxc2VNjMCFIA=' });

    // Assess
    expect(text).toBe('connected as Ann');
  });

  it('counts the reconnection attempts', () => {
    // Prepare & Act & Assess
    expect(describeState({ kind: 'reconnecting', attempt: 2 })).toBe('reconnecting (attempt 2)');
    expect(describeState({ kind: 'disconnected' })).toBe('disconnected');
  });
});
