import type { EmitCommand } from '../../cli/emit-arguments';
import { formatReport } from '../../cli/format-report';

const report = { recipients: 3, delivered: 1, gone: 1, failed: 1, dispatched: 0 };
const command = (flags: Partial<EmitCommand> = {}): EmitCommand => ({
  namespace: '/notification',
  rooms: [],
  connections: [],
  except: [],
  event: 'hello',
  data: 'text',
  json: false,
  ...flags,
});

describe('Function: formatReport', () => {
  it('names the event, namespace and counts', () => {
    // Act / Assess
    expect(formatReport(command(), report)).toBe(
      'Emitted "hello" to /notification: recipients 3, delivered 1, gone 1, failed 1',
    );
  });

  it('names rooms, connections and exceptions, and dispatched recipients when there are any', () => {
    // Act
    const line = formatReport(
      command({ rooms: ['room1', 'room2'], connections: ['R1kmxc2VNjMCFIA='], except: ['muted'] }),
      { ...report, dispatched: 2 },
    );

    // Assess
    expect(line).toBe(
      'Emitted "hello" to /notification (room1, room2, R1kmxc2VNjMCFIA=; except muted): recipients 3, delivered 1, gone 1, failed 1, dispatched 2',
    );
  });

  it('is the report as JSON with --json', () => {
    // Act / Assess
    expect(JSON.parse(formatReport(command({ json: true }), report))).toEqual(report);
  });
});
