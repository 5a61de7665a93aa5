import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import { checkHistoryQuery, HistoryPageBuilder } from '../core/history-page-builder';
import type { MessageLog } from '../core/ports';
import { storedMessage } from '../core/stored-message';
import type { HistoryPage, HistoryQuery, Room, StoredMessage } from '../core/types';
import { ChatTable, type ChatTableOptions, type ChatTableItem as Item } from './chat-table';

const HEAD_SORT_KEY = 'head';
const MESSAGE_PREFIX = 'msg#';
/** Digits of the zero-padded seq in a message's sort key, so that keys sort like seqs. */
const SEQ_DIGITS = 15;

export interface DynamoDbMessageLogOptions extends ChatTableOptions {
  /** Most items of each Query page. Default: only what the page still needs (`limit`). */
  readonly pageSize?: number;
  /** Clock in epoch milliseconds, compared with the items' TTL (epoch seconds). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * `MessageLog` on the chat table (single-table design, keys from `TABLE`):
 * - counter: `pk=hist#<ns>#<room>`, `sk=head`, with `seq` (the latest seq, incremented
 *   atomically by `ADD`). It has no TTL, so a room's seqs never start over (a client's
 *   cursor stays valid however long the room was quiet); it is one small item per room;
 * - message: `pk=hist#<ns>#<room>`, `sk=msg#<seq, 15 digits>`, with `seq`, `event`, `data`
 *   (JSON text: any JSON survives, whatever its depth or numbers), `from`, `user`, `at`, `ttl`.
 * Reads are strongly consistent and skip items whose TTL has passed, since DynamoDB deletes
 * them only eventually. Never scans; every Query paginates.
 *
 * @example
 * const log = new DynamoDbMessageLog({ tableName: process.env.TABLE_NAME ?? 'chat' });
 * const { seq } = await log.append('/', 'lobby', { event: 'chat', data: 'hi', at: Date.now() }, expiresAt);
 * const page = await log.read('/', 'lobby', { since: seq - 1, limit: 50, maxLength: 1000, maxBytes: 96_000 });
 */
export class DynamoDbMessageLog implements MessageLog {
  readonly #table: ChatTable;
  readonly #now: () => number;

  constructor(options: DynamoDbMessageLogOptions) {
    this.#table = new ChatTable(options);
    this.#now = options.now ?? Date.now;
  }

  async append(
    ns: string,
    room: Room,
    message: Omit<StoredMessage, 'seq'>,
    expiresAt: number,
  ): Promise<StoredMessage> {
    const { Attributes: counter } = await this.#table.client.send(
      new UpdateCommand({
        TableName: this.#table.name,
        Key: headKey(ns, room),
        UpdateExpression: 'ADD #seq :one SET #at = :at',
        ExpressionAttributeNames: { '#seq': 'seq', '#at': 'at' },
        ExpressionAttributeValues: { ':one': 1, ':at': this.#now() },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const seq = Number(counter?.seq);
    if (!Number.isSafeInteger(seq) || seq < 1)
      throw new Error(`The history counter of ${ns} ${room} answered no valid seq`);
    const stored = storedMessage(seq, message);
    await this.#table.client.send(
      new PutCommand({
        TableName: this.#table.name,
        Item: {
          [TABLE.partitionKey]: partitionOf(ns, room),
          [TABLE.sortKey]: messageSortKey(seq),
          seq,
          ...(stored.id === undefined ? {} : { mid: stored.id }),
          event: stored.event,
          ...(stored.data === undefined ? {} : { data: JSON.stringify(stored.data) }),
          ...(stored.args === undefined ? {} : { args: JSON.stringify(stored.args) }),
          ...(stored.from === undefined ? {} : { from: stored.from }),
          ...(stored.user === undefined ? {} : { user: stored.user }),
          at: stored.at,
          [TABLE.ttlAttribute]: expiresAt,
        },
      }),
    );
    return stored;
  }

  async read(ns: string, room: Room, query: HistoryQuery): Promise<HistoryPage> {
    checkHistoryQuery(query);
    const { seq: head, at: lastAppendAt } = await this.#counter(ns, room);
    const builder = new HistoryPageBuilder(query, head);
    let startKey: Item | undefined;
    while (builder.after < head && !builder.full) {
      const page = await this.#table.client.send(
        new QueryCommand({
          TableName: this.#table.name,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          FilterExpression: '#ttl > :now',
          ProjectionExpression: '#seq, #mid, #event, #data, #args, #from, #user, #at',
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#sk': TABLE.sortKey,
            '#ttl': TABLE.ttlAttribute,
            '#seq': 'seq',
            '#mid': 'mid',
            '#event': 'event',
            '#data': 'data',
            '#args': 'args',
            '#from': 'from',
            '#user': 'user',
            '#at': 'at',
          },
          ExpressionAttributeValues: {
            ':pk': partitionOf(ns, room),
            ':from': messageSortKey(builder.firstSeq),
            ':to': messageSortKey(head),
            ':now': Math.floor(this.#now() / 1000),
          },
          ScanIndexForward: true,
          ConsistentRead: true,
          Limit: pageLimit(this.#table.pageSize, builder.wanted),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) if (!builder.add(messageOf(item))) break;
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) break;
    }
    return builder.build(lastAppendAt, this.#now());
  }

  async head(ns: string, room: Room): Promise<number> {
    return (await this.#counter(ns, room)).seq;
  }

  /** The room's counter: its latest seq and when it was handed out (0, 0 before any). */
  async #counter(ns: string, room: Room): Promise<{ seq: number; at: number }> {
    const { Item: counter } = await this.#table.client.send(
      new GetCommand({
        TableName: this.#table.name,
        Key: headKey(ns, room),
        ProjectionExpression: '#seq, #at',
        ExpressionAttributeNames: { '#seq': 'seq', '#at': 'at' },
        ConsistentRead: true,
      }),
    );
    return { seq: Number(counter?.seq ?? 0), at: Number(counter?.at ?? 0) };
  }
}

function partitionOf(ns: string, room: Room): string {
  return `hist#${ns}#${room}`;
}

function headKey(ns: string, room: Room): Item {
  return { [TABLE.partitionKey]: partitionOf(ns, room), [TABLE.sortKey]: HEAD_SORT_KEY };
}

function messageSortKey(seq: number): string {
  return `${MESSAGE_PREFIX}${seq.toString().padStart(SEQ_DIGITS, '0')}`;
}

/** `Limit` of the next Query: the page size, but no more than the messages still wanted. */
function pageLimit(pageSize: number | undefined, wanted: number): number | undefined {
  const limit = Math.ceil(Math.min(pageSize ?? wanted, wanted));
  return Number.isFinite(limit) ? limit : undefined;
}

/** A message item as `StoredMessage`: its fields only, no keys or TTL. */
function messageOf(item: Item): StoredMessage {
  const user = item.user as { id?: unknown; name?: unknown } | undefined;
  return {
    seq: Number(item.seq),
    ...(typeof item.mid === 'string' ? { id: item.mid } : {}),
    event: String(item.event),
    data: typeof item.data === 'string' ? JSON.parse(item.data) : undefined,
    ...(typeof item.args === 'string' ? { args: JSON.parse(item.args) } : {}),
    ...(typeof item.from === 'string' ? { from: item.from } : {}),
    ...(user && typeof user.id === 'string' && typeof user.name === 'string'
      ? { user: { id: user.id, name: user.name } }
      : {}),
    at: Number(item.at),
  };
}
