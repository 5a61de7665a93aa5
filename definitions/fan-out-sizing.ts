/**
 * Memory and shard size of the functions that fan out (`message`, which posts the first
 * shard, and `worker`, which posts the others): the cheapest setting that delivers a room
 * message to 10,000 connections in under 1 s in the fan-out model of `npm run bench`
 * (BENCHMARKS.md, "Fan-out time versus room size"), from the CPU a post measures.
 *
 * @example
 * new ChatFunction(this, 'MessageFunction', { memorySize: FAN_OUT_SIZING.memoryMb, ... });
 */
export const FAN_OUT_SIZING = { memoryMb: 512, shardSize: 2_000 } as const;

/**
 * Memory of every other function (connect, disconnect, the authorizer, the heartbeat):
 * `ChatFunction`'s default.
 *
 * @example
 * new ChatFunction(this, 'ConnectFunction', { ... }); // DEFAULT_FUNCTION_MEMORY_MB
 */
export const DEFAULT_FUNCTION_MEMORY_MB = 256;
