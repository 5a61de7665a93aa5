import { formatClfTime } from '../../../local/gateway/clf-time';

describe('Function: formatClfTime', () => {
  it('formats UTC in Common Log Format', () => {
    expect(formatClfTime(Date.UTC(2024, 0, 20, 11, 55, 0))).toBe('20/Jan/2024:11:55:00 +0000');
  });

  it('pads single digits and names every month', () => {
    expect(formatClfTime(Date.UTC(2023, 11, 3, 4, 5, 6, 789))).toBe('03/Dec/2023:04:05:06 +0000');
    const months = Array.from({ length: 12 }, (_, month) =>
      formatClfTime(Date.UTC(2024, month, 1)).slice(3, 6),
    );
    expect(months).toEqual([
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ]);
  });
});
