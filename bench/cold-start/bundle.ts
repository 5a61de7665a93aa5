import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleWithDecoratorMetadata } from '../../local/lambda/bundle-with-decorator-metadata';

/** A function's bundle and its sizes. */
export interface BundleSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The separate source map (`sourceMap: true`, without sources, as the stack has it). */
  readonly mapBytes: number;
}

/**
 * Bundles a handler as the stack's `NodejsFunction` does (`lib/chat-function.ts`, with
 * `bundleWithDecoratorMetadata`'s options: minified CommonJS for Node 22, the AWS SDK and
 * Powertools left to the Lambda runtime and the Powertools layer, a source map without
 * sources), Nest gateways with their decorator metadata.
 *
 * @example
 * const size = await bundleFunction('/repo/lambdas/handlers/message.ts', '/tmp/bundles/message');
 */
export async function bundleFunction(entry: string, outDir: string): Promise<BundleSize> {
  const file = join(outDir, 'index.js');
  await bundleWithDecoratorMetadata(entry, file);
  const code = await readFile(file);
  const map = await readFile(`${file}.map`);
  return {
    file,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    mapBytes: map.byteLength,
  };
}
