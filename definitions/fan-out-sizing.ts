/**
 * Memory and shard size of the functions that fan out (`message`, which posts the first
 * shard, and `worker`, which posts the others): the cheapest setting that delivers a room
 * message to 10,000 connections in under 1 s in the fan-out model of `npm run bench`
 * (BENCHMARKS.md, "Fan-out time versus room size"), from the CPU a post measures.
 *
 * @example
 * new ChatFunction(this, 'MessageFunction', { memorySize: FAN_OUT_SIZING.memoryMb, ... });
 */
export const FAN_OUT_SIZING = { memoryMb: 256, shardSize: 1_000 } as const;
