import {
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import type { JoinOptions, MembershipStore, RemoveOptions } from '../../lambdas/core/ports';
import type {
  ConnectionRecord,
  Recipient,
  RemovedConnection,
  Room,
  SocketData,
  SocketId,
} from '../../lambdas/core/types';

const CONNECTION_PREFIX = 'conn#';

export interface ScanAllMembershipStoreOptions {
  /** The real store: every method but `members` is delegated to it. */
  readonly inner: MembershipStore;
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
}

/**
 * The baseline of the cost benchmark, as the common samples do it: recipients are found by
 * a Scan of the whole table, filtered to the connection items of the namespace that list
 * the room (or whose id is the room), eventually consistent, every page read. Writes are
 * the real store's, so only the lookup differs. Never use it outside benchmarks.
 *
 * @example
 * const baseline = new ScanAllMembershipStore({ inner: store, tableName, client });
 * await baseline.members('/', 'lobby'); // one Scan per 1 MB page of the table
 */
export class ScanAllMembershipStore implements MembershipStore {
  readonly #inner: MembershipStore;
  readonly #tableName: string;
  readonly #client: DynamoDBDocumentClient;

  constructor(options: ScanAllMembershipStoreOptions) {
    this.#inner = options.inner;
    this.#tableName = options.tableName;
    this.#client = options.client;
  }

  addConnection(record: ConnectionRecord): Promise<void> {
    return this.#inner.addConnection(record);
  }

  getConnection(id: SocketId): Promise<ConnectionRecord | undefined> {
    return this.#inner.getConnection(id);
  }

  detachConnections(
    ids: readonly SocketId[],
    options?: RemoveOptions,
  ): Promise<readonly RemovedConnection[]> {
    return this.#inner.detachConnections(ids, options);
  }

  removeMemberships(connections: readonly RemovedConnection[]): Promise<void> {
    return this.#inner.removeMemberships(connections);
  }

  join(record: ConnectionRecord, rooms: readonly Room[], options?: JoinOptions): Promise<void> {
    return this.#inner.join(record, rooms, options);
  }

  leave(record: ConnectionRecord, rooms: readonly Room[]): Promise<void> {
    return this.#inner.leave(record, rooms);
  }

  /** `members`, every one in JSON protocol v1 (the workloads this baseline runs). */
  async recipients(ns: string, room?: Room): Promise<Recipient[]> {
    return (await this.members(ns, room)).map((id) => ({ id }));
  }

  saveData(id: SocketId, data: SocketData): Promise<void> {
    return this.#inner.saveData(id, data);
  }

  endTurn(id: SocketId, n: number): Promise<void> {
    return this.#inner.endTurn(id, n);
  }

  async members(ns: string, room?: Room): Promise<SocketId[]> {
    const inRoom = room === undefined ? '' : ' AND (contains(#rooms, :room) OR #pk = :self)';
    const ids: SocketId[] = [];
    let startKey: Record<string, NativeAttributeValue> | undefined;
    do {
      const page = await this.#client.send(
        new ScanCommand({
          TableName: this.#tableName,
          FilterExpression: `#sk = :conn AND #ns = :ns${inRoom}`,
          ProjectionExpression: '#pk',
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#sk': TABLE.sortKey,
            '#ns': 'ns',
            ...(room === undefined ? {} : { '#rooms': 'rooms' }),
          },
          ExpressionAttributeValues: {
            ':conn': 'conn',
            ':ns': ns,
            ...(room === undefined
              ? {}
              : { ':room': room, ':self': `${CONNECTION_PREFIX}${room}` }),
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        ids.push(String(item[TABLE.partitionKey]).slice(CONNECTION_PREFIX.length));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return ids;
  }
}
