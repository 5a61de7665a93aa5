import type { ManagedConnection } from '../../local/gateway/management-api';

/**
 * An open connection for the local management API (`createManagementApi`) that records what
 * is posted to it instead of sending it.
 *
 * @example
 * const { connection, sent } = recordingConnection();
 * createManagementApi({ findOpenConnection: (id) => (id === ID ? connection : undefined), ... });
 */
export function recordingConnection(): { connection: ManagedConnection; sent: string[] } {
  const sent: string[] = [];
  const connection: ManagedConnection = {
    facts: { connectedAt: 0, identity: { sourceIp: '127.0.0.1', userAgent: 'jest' } },
    lastActiveAt: 0,
    send: (data) => {
      sent.push(data.toString());
      return true;
    },
    close: () => undefined,
  };
  return { connection, sent };
}
