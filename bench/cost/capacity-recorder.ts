import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/** The DynamoDB commands that read; every other data-plane command writes. */
const READ_COMMANDS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
]);

/** The commands that accept `ReturnConsumedCapacity`. */
const DATA_COMMANDS = new Set([
  ...READ_COMMANDS,
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/** DynamoDB requests and the capacity they consumed, in total and by command. */
export interface CapacityTally {
  readonly requests: number;
  readonly readRequests: number;
  readonly writeRequests: number;
  /** Read capacity units (on-demand: read request units). */
  readonly rcu: number;
  /** Write capacity units (on-demand: write request units). */
  readonly wcu: number;
  /** Requests per command name, e.g. `{ QueryCommand: 1, GetItemCommand: 1 }`. */
  readonly byCommand: Readonly<Record<string, number>>;
}

/** What a middleware needs of a client: the SDK's middleware stack (structural). */
export interface ClientWithMiddleware {
  readonly middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; priority?: 'low' }): void;
  };
}

/**
 * Counts DynamoDB requests and the capacity DynamoDB reports for them. Attached to a
 * client, it asks for `ReturnConsumedCapacity: 'TOTAL'` on every data-plane command.
 *
 * @example
 * const recorder = new CapacityRecorder();
 * recorder.attach(documentClient);
 * await store.members('/', 'lobby');
 * recorder.take(); // { requests: 1, readRequests: 1, rcu: 0.5, … }
 */
export class CapacityRecorder {
  #requests = 0;
  #readRequests = 0;
  #writeRequests = 0;
  #rcu = 0;
  #wcu = 0;
  #byCommand: Record<string, number> = {};

  /** Records one request: its command name and the `ConsumedCapacity` of its output, if any. */
  record(
    commandName: string,
    consumed: ConsumedCapacity | readonly ConsumedCapacity[] | undefined,
  ): void {
    const read = READ_COMMANDS.has(commandName);
    this.#requests++;
    if (read) this.#readRequests++;
    else this.#writeRequests++;
    this.#byCommand[commandName] = (this.#byCommand[commandName] ?? 0) + 1;
    const entries = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
    for (const entry of entries as ConsumedCapacity[]) {
      const units = entry.CapacityUnits ?? 0;
      const reads = entry.ReadCapacityUnits;
      const writes = entry.WriteCapacityUnits;
      if (reads === undefined && writes === undefined) {
        if (read) this.#rcu += units;
        else this.#wcu += units;
      } else {
        this.#rcu += reads ?? 0;
        this.#wcu += writes ?? 0;
      }
    }
  }

  /** The tally since the last `take()` (or since creation); resets it. */
  take(): CapacityTally {
    const tally: CapacityTally = {
      requests: this.#requests,
      readRequests: this.#readRequests,
      writeRequests: this.#writeRequests,
      rcu: round(this.#rcu),
      wcu: round(this.#wcu),
      byCommand: this.#byCommand,
    };
    this.#requests = 0;
    this.#readRequests = 0;
    this.#writeRequests = 0;
    this.#rcu = 0;
    this.#wcu = 0;
    this.#byCommand = {};
    return tally;
  }

  /**
   * Adds a middleware to `client` (a `DynamoDBClient`, or a document client, which shares
   * its stack) that sets `ReturnConsumedCapacity: 'TOTAL'` and records every data-plane
   * request, failed ones included (without capacity).
   */
  attach(client: ClientWithMiddleware): void {
    const middleware =
      (
        next: (args: { input: Record<string, unknown> }) => Promise<{ output: unknown }>,
        context: { commandName?: string },
      ) =>
      async (args: { input: Record<string, unknown> }) => {
        const commandName = context.commandName ?? 'unknown';
        if (!DATA_COMMANDS.has(commandName)) return next(args);
        args.input.ReturnConsumedCapacity = 'TOTAL';
        try {
          const result = await next(args);
          const output = result.output as {
            ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
          };
          this.record(commandName, output.ConsumedCapacity);
          return result;
        } catch (error) {
          this.record(commandName, undefined);
          throw error;
        }
      };
    client.middlewareStack.add(middleware, {
      step: 'initialize',
      name: 'benchCapacityRecorder',
      priority: 'low',
    });
  }
}

/** Rounds away floating-point noise from sums of halves and quarters. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
