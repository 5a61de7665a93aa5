/**
 * The memory of the function an operation runs in: `connect` and `disconnect` have functions
 * of their own, every client frame goes to `message`.
 *
 * @example
 * operationMemoryMb('join', { lambdaMemoryMb: 512, otherMemoryMb: 256 }); // 512
 */
export function operationMemoryMb(
  operation: string,
  memory: { readonly lambdaMemoryMb: number; readonly otherMemoryMb: number },
): number {
  return operation === 'connect' || operation === 'disconnect'
    ? memory.otherMemoryMb
    : memory.lambdaMemoryMb;
}
