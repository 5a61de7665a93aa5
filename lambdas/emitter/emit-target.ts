import type { BroadcastReport } from '../core/adapter';
import type { BroadcastOperator } from '../core/broadcast-operator';
import type { Room } from '../core/types';
import { EmitterSchemas, parseInput } from './emitter-schemas';

/** One room, a connection id, or a list of them. */
export type Rooms = Room | readonly Room[];

/**
 * An audience of one namespace to emit to, as seen from outside the chat: immutable, so
 * every `to`, `in` and `except` returns a new target. Without rooms it is the whole namespace.
 *
 * @example
 * const report = await emitter.of('/notification').to('room1').except(connectionId).emit('hello', 'text');
 */
export interface EmitTarget {
  /** Adds the members of these rooms (a connection id adds that connection). */
  to(rooms: Rooms): EmitTarget;
  /** Same as `to`. */
  in(rooms: Rooms): EmitTarget;
  /** Leaves out the members of these rooms (a connection id leaves out that connection). */
  except(rooms: Rooms): EmitTarget;
  /**
   * Posts the event to every connection of the audience. Connections found gone are removed;
   * the report counts what was delivered, gone and failed.
   */
  emit(event: string, data?: unknown): Promise<BroadcastReport>;
  /**
   * Posts the event asking each connection for an answer (at most 100 connections) and
   * resolves with one response per connection, once all answered; rejects with an
   * `AckTimeoutError` (`responses`: those that came) past `timeout(ms)`, 9 s by default,
   * the longest an emitter waits.
   *
   * @example
   * const votes = await emitter.of('/').to('jury').timeout(5_000).emitWithAck('verdict?');
   */
  emitWithAck(event: string, data?: unknown): Promise<unknown[]>;
  /** The same audience, waiting at most `ms` (≤ 9,000) for the answers of `emitWithAck`. */
  timeout(ms: number): EmitTarget;
}

/**
 * `EmitTarget` on a core `BroadcastOperator`: validates rooms and event names, and exposes
 * nothing else of the core.
 *
 * @example
 * const target: EmitTarget = new OperatorTarget(server.of('/').to([]));
 */
export class OperatorTarget implements EmitTarget {
  readonly #operator: BroadcastOperator;

  constructor(operator: BroadcastOperator) {
    this.#operator = operator;
  }

  to(rooms: Rooms): EmitTarget {
    return new OperatorTarget(this.#operator.to(roomList(rooms)));
  }

  in(rooms: Rooms): EmitTarget {
    return this.to(rooms);
  }

  except(rooms: Rooms): EmitTarget {
    return new OperatorTarget(this.#operator.except(roomList(rooms)));
  }

  async emit(event: string, data?: unknown): Promise<BroadcastReport> {
    return this.#operator.emit(parseInput(EmitterSchemas.event, event, 'event name'), data);
  }

  emitWithAck(event: string, data?: unknown): Promise<unknown[]> {
    const name = parseInput(EmitterSchemas.event, event, 'event name');
    return data === undefined
      ? this.#operator.emitWithAck(name)
      : this.#operator.emitWithAck(name, data);
  }

  timeout(ms: number): EmitTarget {
    return new OperatorTarget(this.#operator.timeout(ms));
  }
}

function roomList(rooms: Rooms): Room[] {
  const list: readonly unknown[] = typeof rooms === 'string' ? [rooms] : rooms;
  return list.map((room) => parseInput(EmitterSchemas.room, room, 'room'));
}
