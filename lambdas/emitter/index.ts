/**
 * Emitting from anywhere: push events to the chat's namespaces, rooms and connections from
 * any backend (or the local runtime) without being part of the chat.
 *
 * @example
 * import { createEmitter } from './lambdas/emitter';
 * await createEmitter({ tableName, endpoint }).of('/notification').to('room1').emit('hello', 'text');
 */
export type { BroadcastReport } from '../core/adapter';
export {
  createEmitter,
  type Emitter,
  type EmitterOptions,
  type EmitterServerOptions,
} from './create-emitter';
export type { EmitTarget, Rooms } from './emit-target';
