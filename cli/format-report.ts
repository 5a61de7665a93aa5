import type { BroadcastReport } from '../lambdas/core/adapter';
import type { EmitCommand } from './emit-arguments';

/**
 * The report as the CLI prints it: one JSON object with `--json`, else one sentence.
 *
 * @example
 * formatReport(command, { recipients: 1, delivered: 1, gone: 0, failed: 0, dispatched: 0 });
 * // 'Emitted "hello" to /notification (room1): recipients 1, delivered 1, gone 0, failed 0'
 */
export function formatReport(command: EmitCommand, report: BroadcastReport): string {
  if (command.json) return JSON.stringify(report);
  const targets = [...command.rooms, ...command.connections];
  const audience = [
    ...(targets.length > 0 ? [targets.join(', ')] : []),
    ...(command.except.length > 0 ? [`except ${command.except.join(', ')}`] : []),
  ];
  const where = audience.length > 0 ? ` (${audience.join('; ')})` : '';
  const counts = `recipients ${report.recipients}, delivered ${report.delivered}, gone ${report.gone}, failed ${report.failed}`;
  const dispatched = report.dispatched > 0 ? `, dispatched ${report.dispatched}` : '';
  return `Emitted "${command.event}" to ${command.namespace}${where}: ${counts}${dispatched}`;
}
