/**
 * Memory and shard size of the functions that fan out (`message`, which posts the first
 * shard, and `worker`, which posts the others): the cheapest setting that delivers a room
 * message to 10,000 connections within the 750 ms budget (1 s less a quarter) in the fan-out
 * model of `npm run bench` (BENCHMARKS.md, "Fan-out time versus room size"), from the CPU a
 * post measures. 512 MB with shards of 1,000 stays within it when this machine runs slow
 * (407-443 ms); the settings that are cheaper when it runs fast (256 MB with shards of 1,000,
 * 512 MB with 2,000: 704-721 ms) are not (807-856 ms), and cost under $0.0004 less per million
 * deliveries.
 *
 * @example
 * new ChatFunction(this, 'MessageFunction', { memorySize: FAN_OUT_SIZING.memoryMb, ... });
 */
export const FAN_OUT_SIZING = { memoryMb: 512, shardSize: 1_000 } as const;

/**
 * Memory of every other function (connect, disconnect, the authorizer, the heartbeat):
 * `ChatFunction`'s default.
 *
 * @example
 * new ChatFunction(this, 'ConnectFunction', { ... }); // DEFAULT_FUNCTION_MEMORY_MB
 */
export const DEFAULT_FUNCTION_MEMORY_MB = 256;
