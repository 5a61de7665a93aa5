import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { BUNDLE_ALIASES, PROVIDED_MODULES } from '../../definitions/function-bundling';
import { NEST_LAZY_MODULES } from '../../definitions/nest-lazy-modules';
import { decoratorMetadataPlugin } from './decorator-metadata-plugin';

/**
 * What Nest's `ValidationPipe` loads when it is created (half a megabyte minified, with
 * libphonenumber-js and validator): bundled only for applications that use them.
 */
export const VALIDATION_PACKAGES: readonly string[] = ['class-validator', 'class-transformer'];

/**
 * Bundles a function's entry as the stack's `NodejsFunction` does (minified CommonJS for
 * Node 22, the AWS SDK and Powertools left to the runtime and the layer, `debug` silent, a
 * source map without sources), but with the
 * decorator metadata Nest reads (`decoratorMetadataPlugin`), which esbuild alone does not
 * emit. Nest's validation packages (`VALIDATION_PACKAGES`) are left out unless the
 * application's own files import one of them or name `ValidationPipe`. The stack runs it
 * after its own bundling for functions with `decoratorMetadata`, replacing that bundle:
 *
 *   npx tsx local/lambda/bundle-with-decorator-metadata.ts <entry.ts> <outdir>/index.js
 *
 * @example
 * const { validation } = await bundleWithDecoratorMetadata('/app/nest/message.ts', '/tmp/asset/index.js');
 */
export async function bundleWithDecoratorMetadata(
  entry: string,
  outfile: string,
): Promise<{ readonly validation: boolean }> {
  const options: BuildOptions = {
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
    alias: { ...BUNDLE_ALIASES },
    plugins: [decoratorMetadataPlugin()],
  };
  const external = [...PROVIDED_MODULES, ...NEST_LAZY_MODULES];
  const lean = await build({
    ...options,
    external: [...external, ...VALIDATION_PACKAGES],
    metafile: true,
  });
  const validation = await usesValidation(lean.metafile);
  if (validation) await build({ ...options, external });
  return { validation };
}

/** Whether a file outside `node_modules` imports a validation package or names `ValidationPipe`. */
async function usesValidation(metafile: Metafile): Promise<boolean> {
  const isValidationPackage = (specifier: string) =>
    VALIDATION_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`));
  for (const [path, input] of Object.entries(metafile.inputs)) {
    if (path.includes('node_modules/')) continue;
    if (input.imports.some((record) => isValidationPackage(record.path))) return true;
    if (/\bValidationPipe\b/.test(await readFile(resolve(path), 'utf8'))) return true;
  }
  return false;
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
