import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';
import ts from 'typescript';

/**
 * An esbuild plugin that compiles the TypeScript files of Nest applications (those importing
 * `@nestjs/…`) with the TypeScript compiler, which emits the decorator metadata Nest's
 * dependency injection and pipes read (`design:paramtypes`); esbuild does not emit it. Other
 * files are left to esbuild. The stack's functions with `decoratorMetadata` are bundled with it
 * too (`bundle-with-decorator-metadata.ts`).
 *
 * @example
 * await build({ entryPoints: ['app/lambda.ts'], bundle: true, plugins: [decoratorMetadataPlugin()] });
 */
export function decoratorMetadataPlugin(): Plugin {
  return {
    name: 'decorator-metadata',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        const source = await readFile(path, 'utf8');
        if (!source.includes("from '@nestjs/")) return undefined;
        const { outputText } = ts.transpileModule(source, {
          fileName: path,
          compilerOptions: {
            target: ts.ScriptTarget.ES2022,
            module: ts.ModuleKind.ESNext,
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            sourceMap: false,
            inlineSourceMap: true,
            inlineSources: false,
          },
        });
        return { contents: outputText, loader: 'js' };
      });
    },
  };
}
