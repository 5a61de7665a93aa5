import { build } from 'esbuild';
import { NEST_LAZY_MODULES } from '../../definitions/nest-lazy-modules';
import { decoratorMetadataPlugin } from './decorator-metadata-plugin';

/**
 * Bundles a function's entry as the stack's `NodejsFunction` does (minified CommonJS for
 * Node 22, the AWS SDK left to Lambda's runtime, a source map without sources), but with the
 * decorator metadata Nest reads (`decoratorMetadataPlugin`), which esbuild alone does not
 * emit. The stack runs it after its own bundling for functions with `decoratorMetadata`,
 * replacing that bundle:
 *
 *   npx tsx local/lambda/bundle-with-decorator-metadata.ts <entry.ts> <outdir>/index.js
 *
 * @example
 * await bundleWithDecoratorMetadata('/app/nest/message.ts', '/tmp/asset/index.js');
 */
export async function bundleWithDecoratorMetadata(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@aws-sdk/*', ...NEST_LAZY_MODULES],
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [decoratorMetadataPlugin()],
  });
}

if (require.main === module) {
  const [entry, outfile] = process.argv.slice(2);
  if (!entry || !outfile) {
    process.stderr.write('usage: bundle-with-decorator-metadata <entry.ts> <outfile.js>\n');
    process.exit(2);
  }
  bundleWithDecoratorMetadata(entry, outfile).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
