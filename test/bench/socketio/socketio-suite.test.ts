import { DEFAULT_ASSUMPTIONS } from '../../../bench/cost/model-assumptions';
import { distribution } from '../../../bench/load/stats';
import { jsonConnectionHour, socketIoConnectionHour } from '../../../bench/socketio/heartbeat-cost';
import { formatSocketIoMarkdown } from '../../../bench/socketio/socketio-suite';
import { DEFAULT_HEARTBEAT } from '../../../lambdas/core/heartbeat-settings';

describe('formatSocketIoMarkdown', () => {
  it('writes the latencies and both connection-hours from the results', () => {
    // Prepare
    const results = {
      plan: { sessions: 3, roomMembers: 4, roomMessages: 2 },
      openPacketMs: distribution([1, 2, 30]),
      connectMs: distribution([40, 41, 90]),
      jsonRoomMs: distribution([60, 70]),
      mixedRoomMs: distribution([55, 80]),
      socketIoHour: socketIoConnectionHour(DEFAULT_HEARTBEAT, DEFAULT_ASSUMPTIONS),
      jsonHour: jsonConnectionHour(DEFAULT_ASSUMPTIONS),
    };

    // Act
    const markdown = formatSocketIoMarkdown(results);

    // Assess
    expect(markdown).toMatch(/\| WebSocket open → open packet \| 3 \| 2\.0 \| 30\.0 \| 30\.0 \|/);
    expect(markdown).toMatch(/\| CONNECT `40` → its answer \| 3 \| 41\.0 \| 90\.0 \| 90\.0 \|/);
    expect(markdown).toMatch(
      /\| Room of 4, half Socket.IO: send → last recipient \| 2 \| 55\.0 \| 80\.0 \|/,
    );
    expect(markdown).toContain('**$6.14e-5**');
    expect(markdown).toContain('**$4.04e-5**');
    expect(markdown).toMatch(
      /\$442\.32 with Socket.IO clients, \$290\.86 with JSON-protocol clients/,
    );
  });
});
