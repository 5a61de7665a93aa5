import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TableAction } from '../../lib/least-privilege';

/** One recorded call: the IAM action it needs and the partition key it touched. */
export interface TableAccess {
  readonly action: TableAction;
  readonly partitionKey: string;
}

type Key = Record<string, unknown> | undefined;

const pkOf = (key: Key): string => String(key?.pk);

/**
 * The IAM actions (and partition keys) of the DynamoDB document-client commands sent, as IAM
 * authorizes them: a TransactWriteItems needs the action of each of its items (PutItem,
 * UpdateItem, DeleteItem, ConditionCheckItem), a BatchWriteItem or BatchGetItem its own action.
 * A Query's partition key is the value bound to `pk` in its key condition.
 *
 * @example
 * const accesses = tableAccessesOf(aws.ddb.calls().map((call) => call.args[0]));
 */
export function tableAccessesOf(commands: readonly unknown[]): TableAccess[] {
  return commands.flatMap((command): TableAccess[] => {
    const one = (action: TableAction, key: Key) => [{ action, partitionKey: pkOf(key) }];
    if (command instanceof GetCommand) return one('GetItem', command.input.Key);
    if (command instanceof PutCommand) return one('PutItem', command.input.Item);
    if (command instanceof UpdateCommand) return one('UpdateItem', command.input.Key);
    if (command instanceof DeleteCommand) return one('DeleteItem', command.input.Key);
    if (command instanceof QueryCommand) return one('Query', { pk: queriedPartition(command) });
    if (command instanceof BatchWriteCommand) {
      return Object.values(command.input.RequestItems ?? {})
        .flat()
        .flatMap((request) =>
          one('BatchWriteItem', request.PutRequest?.Item ?? request.DeleteRequest?.Key),
        );
    }
    if (command instanceof BatchGetCommand) {
      return Object.values(command.input.RequestItems ?? {}).flatMap((request) =>
        (request.Keys ?? []).flatMap((key) => one('BatchGetItem', key)),
      );
    }
    if (command instanceof TransactWriteCommand) {
      return (command.input.TransactItems ?? []).flatMap((item) => {
        if (item.Put) return one('PutItem', item.Put.Item);
        if (item.Update) return one('UpdateItem', item.Update.Key);
        if (item.Delete) return one('DeleteItem', item.Delete.Key);
        if (item.ConditionCheck) return one('ConditionCheckItem', item.ConditionCheck.Key);
        throw new Error(`Unknown transaction item ${JSON.stringify(item)}`);
      });
    }
    if (command instanceof ScanCommand) return one('Scan', undefined);
    throw new Error(`Unknown DynamoDB command ${command?.constructor?.name}`);
  });
}

/** The partition key value of a Query's `#pk = :value` (or `pk = :value`) key condition. */
function queriedPartition(command: QueryCommand): string {
  const { KeyConditionExpression: condition, ExpressionAttributeNames: names } = command.input;
  const values = command.input.ExpressionAttributeValues ?? {};
  const match = /^\s*(#?\w+)\s*=\s*(:\w+)/.exec(condition ?? '');
  const name = match?.[1]?.startsWith('#') ? names?.[match[1]] : match?.[1];
  if (!match || name !== 'pk') throw new Error(`Query without a pk condition: ${condition}`);
  return String(values[match[2] as string]);
}

/** `room#/#lobby` → `room#`: the part of a partition key before its first `#`, with it. */
export function partitionPrefix(partitionKey: string): string {
  const at = partitionKey.indexOf('#');
  return at < 0 ? partitionKey : partitionKey.slice(0, at + 1);
}

/** Actions by name, each with the sorted partition key prefixes it touched. */
export function accessSummary(accesses: readonly TableAccess[]): Record<string, string[]> {
  const summary = new Map<string, Set<string>>();
  for (const { action, partitionKey } of accesses) {
    const prefixes = summary.get(action) ?? new Set<string>();
    prefixes.add(partitionPrefix(partitionKey));
    summary.set(action, prefixes);
  }
  return Object.fromEntries(
    [...summary.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([action, prefixes]) => [action, [...prefixes].sort()]),
  );
}
