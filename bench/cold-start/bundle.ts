import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { NEST_LAZY_MODULES } from '../../definitions/nest-lazy-modules';
import { decoratorMetadataPlugin } from '../../local/lambda/decorator-metadata-plugin';

/** A function's bundle and its sizes. */
export interface BundleSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The separate source map (`sourceMap: true`, without sources, as the stack has it). */
  readonly mapBytes: number;
}

/**
 * Bundles a handler as the stack's `NodejsFunction` does (`lib/chat-function.ts`): esbuild,
 * minified, CommonJS for Node 22, `@aws-sdk/*` left to the Lambda runtime, source map in a
 * separate file without sources; files of Nest gateways with their decorator metadata.
 *
 * @example
 * const size = await bundleFunction('/repo/lambdas/handlers/message.ts', '/tmp/bundles/message');
 */
export async function bundleFunction(entry: string, outDir: string): Promise<BundleSize> {
  const file = join(outDir, 'index.js');
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@aws-sdk/*', ...NEST_LAZY_MODULES],
    // Nest gateways' decorators need their metadata (as the local runtime bundles them).
    plugins: [decoratorMetadataPlugin()],
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
  const code = await readFile(file);
  const map = await readFile(`${file}.map`);
  return {
    file,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    mapBytes: map.byteLength,
  };
}
