/**
 * Builds the chat page into dist/web (run with `tsx web/build.ts`): main.js bundles
 * web/main.ts with the client (`client/index.ts`) for browsers; index.html and styles.css are
 * copied next to it. Serve the directory with the local runtime's `staticDir`.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '..');
const STATIC_FILES = ['index.html', 'styles.css'] as const;

/**
 * Bundles and copies the page into dist/web and resolves with that directory.
 *
 * @example
 * const staticDir = await buildWeb();
 * await startLocalRuntime({ gateway: { staticDir } });
 */
export async function buildWeb(
  options: { readonly logLevel?: 'info' | 'silent' } = {},
): Promise<string> {
  const outdir = path.join(root, 'dist', 'web');
  await mkdir(outdir, { recursive: true });
  await Promise.all([
    build({
      entryPoints: [path.join(root, 'web', 'main.ts')],
      outfile: path.join(outdir, 'main.js'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: ['es2022'],
      sourcemap: true,
      legalComments: 'none',
      logLevel: options.logLevel ?? 'info',
      absWorkingDir: root,
    }),
    ...STATIC_FILES.map((file) => copyFile(path.join(root, 'web', file), path.join(outdir, file))),
  ]);
  return outdir;
}

if (require.main === module) {
  buildWeb().then(
    (outdir) => console.log(`web page built in ${path.relative(process.cwd(), outdir) || '.'}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
