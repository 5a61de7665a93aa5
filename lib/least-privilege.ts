import type { FunctionName } from '../definitions/api';

/**
 * A DynamoDB action on items, as IAM names it without `dynamodb:`. A TransactWriteItems is
 * authorized item by item: each needs PutItem, UpdateItem, DeleteItem or ConditionCheckItem.
 */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/**
 * The table actions each function's code sends, and nothing else (no Scan, no BatchGetItem).
 * `test/lib/least-privilege.test.ts` drives every function through its paths on a recording
 * table and fails when these lists and what the code sends differ either way.
 * - connect: the user's connection set (UpdateItem, GetItem when full), the socket and its
 *   memberships (BatchWriteItem; DeleteItem, BatchWriteItem when refused), the connection
 *   hook's joins (PutItem and UpdateItem in a transaction), the greeting's claim (PutItem)
 *   and audience (Query);
 * - disconnect: the socket (GetItem, DeleteItem), its memberships (BatchWriteItem), presence
 *   and the user's connection set (UpdateItem, DeleteItem), the leave notices' audience (Query);
 * - message: the socket (GetItem), joins and leaves (transactions of UpdateItem, PutItem,
 *   DeleteItem), presence (UpdateItem, DeleteItem, Query), history (UpdateItem, PutItem,
 *   GetItem, Query), the user's budget (UpdateItem, GetItem when spent), audiences (Query);
 * - worker: the clean-up of gone connections, as disconnect minus the socket's GetItem;
 * - heartbeat: a slot's listing (Query) and, for connections found gone, their sessions
 *   (GetItem, BatchWriteItem).
 * Socket.IO adds, in connect, its session (BatchWriteItem); in message, a namespace's CONNECT
 * (the session's GetItem, the socket's BatchWriteItem; a recovery's DeleteItem of the kept
 * socket and history reads); in disconnect, the session's close and keeping the socket for
 * its client's reconnection (PutItem).
 *
 * @example
 * FUNCTION_TABLE_ACTIONS.worker; // ['BatchWriteItem', 'DeleteItem', 'Query', 'UpdateItem']
 */
export const FUNCTION_TABLE_ACTIONS: Record<FunctionName, readonly TableAction[]> = {
  connect: ['BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
  disconnect: ['BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
  message: ['BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
  worker: ['BatchWriteItem', 'DeleteItem', 'Query', 'UpdateItem'],
  authorize: [],
  heartbeat: ['BatchWriteItem', 'GetItem', 'Query'],
};

/** An HTTP method of the `@connections` API: POST sends, GET reads, DELETE disconnects. */
export type ConnectionMethod = 'POST' | 'GET' | 'DELETE';

/**
 * The `@connections` methods each function calls: every chat function posts
 * (PostToConnection); those that run the app's handlers and hooks also close connections
 * (DeleteConnection: `socket.disconnect()`, `disconnectSockets()`); none reads one
 * (GetConnection).
 */
export const FUNCTION_CONNECTION_METHODS: Record<FunctionName, readonly ConnectionMethod[]> = {
  connect: ['POST', 'DELETE'],
  disconnect: ['POST', 'DELETE'],
  message: ['POST', 'DELETE'],
  worker: ['POST'],
  authorize: [],
  heartbeat: ['POST'],
};

/**
 * What an emitter does to the table, action by action, with the partition key prefixes it
 * may touch (IAM's `dynamodb:LeadingKeys`): read audiences (Query of namespace and room
 * memberships); number and store messages of durable rooms (UpdateItem, PutItem of `hist#`);
 * remove connections found gone (DeleteItem of the socket, BatchWriteItem of its
 * memberships) and their presence entries (UpdateItem, then DeleteItem for a user's last
 * connection); wait for answers to an acked emit (PutItem, GetItem and DeleteItem of its
 * `ack#` item; the answers themselves are written by the chat's `message` function); and, for
 * `apigw-chat emit` explaining an empty audience, read a socket (GetItem of `conn#`). It cannot write a socket's data (no PutItem or UpdateItem of
 * `conn#`), nor touch any user's limits or budgets.
 *
 * @example
 * EMITTER_TABLE_ACCESS.Query; // ['ns#', 'room#']
 */
export const EMITTER_TABLE_ACCESS: Readonly<Partial<Record<TableAction, readonly string[]>>> = {
  Query: ['ns#', 'room#'],
  GetItem: ['ack#', 'conn#'],
  UpdateItem: ['hist#', 'presence#'],
  PutItem: ['ack#', 'hist#'],
  DeleteItem: ['ack#', 'conn#', 'presence#'],
  BatchWriteItem: ['ns#', 'room#'],
};
