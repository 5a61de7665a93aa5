import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { chatDocumentClient } from '../../lambdas/adapters/dynamodb-document-client';
import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb-membership-store';
import type { Room } from '../../lambdas/core/types';

/** The client-side CPU of reading a room's members, through two document clients. */
export interface ClientCpuCost {
  readonly roomSize: number;
  /** Reads per round and client. */
  readonly reads: number;
  /** µs of this process's CPU per read, round by round: the SDK's default document client. */
  readonly sdkDefaultMicros: readonly number[];
  /** The same through `chatDocumentClient` (no logger middleware). */
  readonly chatMicros: readonly number[];
}

export interface ClientCpuOptions {
  /** A new DynamoDB client, not shared with any other: each document client gets its own. */
  readonly client: () => DynamoDBClient;
  readonly tableName: string;
  /** A room of namespace `/` holding `roomSize` members. */
  readonly room: Room;
  readonly roomSize: number;
  readonly reads: number;
  readonly rounds: number;
}

/**
 * CPU per `recipients()` read of a room (one Query of its partition, as a room message makes)
 * through the SDK's default document client and through `chatDocumentClient`, in interleaved
 * rounds after as many warm-up reads; before → after of leaving out the SDK's logger middleware.
 *
 * @example
 * const cost = await measureClientCpu({ client, tableName, room: 'cpu', roomSize: 100, reads: 500, rounds: 3 });
 */
export async function measureClientCpu(options: ClientCpuOptions): Promise<ClientCpuCost> {
  const { tableName, room, roomSize, reads, rounds } = options;
  // The same document client with the SDK's logger middleware kept, as the SDK builds it.
  const sdkDefault = new DynamoDbMembershipStore({
    tableName,
    client: chatDocumentClient(options.client(), { logged: true }),
  });
  const chat = new DynamoDbMembershipStore({
    tableName,
    client: chatDocumentClient(options.client()),
  });
  const readAll = async (store: DynamoDbMembershipStore): Promise<number> => {
    const started = process.cpuUsage();
    for (let i = 0; i < reads; i++) {
      const recipients = await store.recipients('/', room);
      if (recipients.length !== roomSize)
        throw new Error(`read ${recipients.length} members of ${room}, expected ${roomSize}`);
    }
    const used = process.cpuUsage(started);
    return Math.round((used.user + used.system) / reads);
  };
  await readAll(sdkDefault);
  await readAll(chat);
  const sdkDefaultMicros: number[] = [];
  const chatMicros: number[] = [];
  for (let round = 0; round < rounds; round++) {
    sdkDefaultMicros.push(await readAll(sdkDefault));
    chatMicros.push(await readAll(chat));
  }
  return { roomSize, reads, sdkDefaultMicros, chatMicros };
}
