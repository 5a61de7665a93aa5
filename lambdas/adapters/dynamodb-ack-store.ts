import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../definitions/table';
import type { AckStore, PendingAck } from '../core/ports';
import type { SocketId } from '../core/types';
import { ChatTable, type ChatTableOptions } from './chat-table';

const keyOf = (id: string) => ({ [TABLE.partitionKey]: `ack#${id}`, [TABLE.sortKey]: 'ack' });

/**
 * `AckStore` in the chat table: one item per pending ack, `pk=ack#<id>`, `sk=ack`, with the
 * recipients (a string set), their answers (a map of connection id → JSON text) and `ttl`.
 * An answer is one conditional update (the recipient was asked, has not answered, the ack
 * has not expired); the emitting invocation reads the item with a consistent read.
 *
 * @example
 * const acks = new DynamoDbAckStore({ tableName: process.env.TABLE_NAME ?? '', client });
 */
export class DynamoDbAckStore implements AckStore {
  readonly #table: ChatTable;
  readonly #now: () => number;

  constructor(options: ChatTableOptions & { readonly now?: () => number }) {
    this.#table = new ChatTable(options);
    this.#now = options.now ?? Date.now;
  }

  async create(ack: PendingAck): Promise<void> {
    await this.#table.client.send(
      new PutCommand({
        TableName: this.#table.name,
        Item: {
          ...keyOf(ack.id),
          recipients: new Set(ack.recipients),
          answers: {},
          [TABLE.ttlAttribute]: ack.expiresAt,
        },
      }),
    );
  }

  async answer(id: string, from: SocketId, args: readonly unknown[]): Promise<boolean> {
    try {
      await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: keyOf(id),
          UpdateExpression: 'SET #answers.#from = :args',
          ConditionExpression:
            'attribute_exists(#pk) AND contains(#recipients, :from) AND attribute_not_exists(#answers.#from) AND #ttl > :now',
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#answers': 'answers',
            '#recipients': 'recipients',
            '#from': from,
            '#ttl': TABLE.ttlAttribute,
          },
          ExpressionAttributeValues: {
            ':args': JSON.stringify(args),
            ':from': from,
            ':now': Math.floor(this.#now() / 1000),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async answers(id: string): Promise<Map<SocketId, unknown[]>> {
    const { Item: item } = await this.#table.client.send(
      new GetCommand({
        TableName: this.#table.name,
        Key: keyOf(id),
        ConsistentRead: true,
        ProjectionExpression: '#answers',
        ExpressionAttributeNames: { '#answers': 'answers' },
      }),
    );
    const answers = (item?.answers ?? {}) as Record<string, unknown>;
    return new Map(
      Object.entries(answers).flatMap(([connection, text]) =>
        typeof text === 'string' ? [[connection, JSON.parse(text) as unknown[]]] : [],
      ),
    );
  }

  async delete(id: string): Promise<void> {
    await this.#table.client.send(
      new DeleteCommand({ TableName: this.#table.name, Key: keyOf(id) }),
    );
  }
}
