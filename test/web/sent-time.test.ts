import { formatSentTime } from '../../web/sent-time';

describe('Function: formatSentTime', () => {
  it('shows the time of a message sent today', () => {
    // Prepare
    const sent = new Date(2026, 5, 3, 14, 2, 11);

    // Act
    const shown = formatSentTime(sent, new Date(2026, 5, 3, 23, 59));

    // Assess
    expect(shown).toBe(sent.toLocaleTimeString([], { hour12: false }));
  });

  it('adds the day to a message sent on an earlier day', () => {
    // Prepare
    const sent = new Date(2026, 5, 2, 23, 58, 30);

    // Act
    const shown = formatSentTime(sent, new Date(2026, 5, 3, 0, 5));

    // Assess
    expect(shown).toContain(sent.toLocaleDateString([], { day: 'numeric', month: 'short' }));
    expect(shown).toMatch(/23:58$/);
  });
});
