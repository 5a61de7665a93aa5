/**
 * Builds the client into dist/client (run with `tsx client/build.ts`):
 * - index.mjs: ESM, platform neutral, no `ws` (browsers, bundlers, Deno, Node 22's global WebSocket);
 * - apigw-chat.js: IIFE for a <script> tag, exposing the global `ApigwChat`;
 * - node.mjs: ESM for Node, wiring `ws` (kept external: a dependency of the app); it imports
 *   ./index.mjs instead of bundling a second copy, so classes are shared across both entries.
 */
import path from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const root = path.resolve(__dirname, '..');
const outdir = path.join(root, 'dist', 'client');

const common: BuildOptions = {
  bundle: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'info',
  absWorkingDir: root,
};

/** Resolves node.ts's `./index` import to the sibling bundle instead of inlining it. */
const shareIndexBundle: Plugin = {
  name: 'share-index-bundle',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/index$/ }, () => ({
      path: './index.mjs',
      external: true,
    }));
  },
};

export async function buildClient(): Promise<void> {
  await Promise.all([
    build({
      ...common,
      entryPoints: ['client/index.ts'],
      outfile: path.join(outdir, 'index.mjs'),
      format: 'esm',
      platform: 'neutral',
      target: ['es2020'],
    }),
    build({
      ...common,
      entryPoints: ['client/index.ts'],
      outfile: path.join(outdir, 'apigw-chat.js'),
      format: 'iife',
      globalName: 'ApigwChat',
      platform: 'browser',
      target: ['es2020'],
    }),
    build({
      ...common,
      entryPoints: ['client/node.ts'],
      outfile: path.join(outdir, 'node.mjs'),
      format: 'esm',
      platform: 'node',
      target: ['node20'],
      external: ['ws'],
      plugins: [shareIndexBundle],
    }),
  ]);
}

if (require.main === module) {
  buildClient().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
