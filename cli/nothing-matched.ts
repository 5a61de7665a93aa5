import type { BroadcastReport } from '../lambdas/core/adapter';
import type { MembershipStore } from '../lambdas/core/ports';
import type { EmitCommand } from './emit-arguments';

/** What explaining an empty audience reads: connections and room members. */
export type AudienceReader = Pick<MembershipStore, 'getConnection' | 'members'>;

/**
 * Whether the event reached no connection: nothing delivered, failed or handed to a worker.
 * Recipients found gone reached nobody.
 *
 * @example
 * reachedNobody({ recipients: 1, delivered: 0, gone: 1, failed: 0, dispatched: 0 }); // true
 */
export function reachedNobody(report: BroadcastReport): boolean {
  return report.delivered + report.failed + report.dispatched === 0;
}

/**
 * Why a namespace cannot be emitted to, or `undefined` when the chat defines it.
 *
 * @example
 * unknownNamespace('/notifications', ['/', '/chat', '/notification']);
 * // 'unknown namespace /notifications: the chat has /, /chat, /notification'
 */
export function unknownNamespace(namespace: string, known: readonly string[]): string | undefined {
  if (known.includes(namespace)) return undefined;
  return `unknown namespace ${namespace}: the chat has ${[...known].sort().join(', ')}`;
}

/**
 * Why an emit reached nobody, one reason per target that matched no open connection: a
 * connection closed or unknown, or in another namespace; a room without members; a namespace
 * nobody is connected to; or `--except` leaving everyone out. Reads with Queries and Gets.
 *
 * @example
 * await whyNobody(command, report, new DynamoDbMembershipStore({ tableName, client }));
 * // ['room room9 of /notification has no members']
 */
export async function whyNobody(
  command: EmitCommand,
  report: BroadcastReport,
  audience: AudienceReader,
): Promise<string[]> {
  const ns = command.namespace;
  const reasons: string[] = [];
  if (report.gone > 0) {
    reasons.push(`${report.gone} recipient(s) had closed their connection, now removed`);
  }
  for (const room of command.rooms) {
    if ((await audience.members(ns, room)).length === 0) {
      reasons.push(`room ${room} of ${ns} has no members`);
    }
  }
  for (const id of command.connections) {
    const connection = await audience.getConnection(id);
    if (connection === undefined) reasons.push(`no connection ${id}: it closed, or never existed`);
    else if (connection.ns !== ns) {
      reasons.push(`connection ${id} is in namespace ${connection.ns}, not ${ns}`);
    }
  }
  const everyone = command.rooms.length === 0 && command.connections.length === 0;
  if (everyone && (await audience.members(ns)).length === 0) {
    reasons.push(`nobody is connected to ${ns}`);
  }
  if (reasons.length === 0) reasons.push('--except left out every member');
  return reasons;
}
