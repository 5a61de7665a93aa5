import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { NEST_LAZY_MODULES } from '../../definitions/nest-lazy-modules';
import { decoratorMetadataPlugin } from './decorator-metadata-plugin';

const CONTAINER_MAIN = resolve(__dirname, 'container-main.ts');

/** The code a container runs: the runtime's main, and the bundle of the function's handler. */
export interface ContainerCode {
  readonly main: string;
  readonly handler: string;
}

/**
 * Bundles TypeScript handlers for containers with esbuild, as the stack's `NodejsFunction`
 * does at `cdk synth`: one file per function with everything it imports, so a container's cold
 * start loads JavaScript instead of compiling TypeScript module by module. The AWS SDK is
 * bundled too (Lambda's runtime provides it; a test's function may have no `NODE_PATH` to find
 * it). Each bundle gets a source map, so stack traces name the TypeScript sources. Every
 * `code()` call writes a new file: containers started before a code change keep the code they
 * loaded. JavaScript handlers (a synthesized app's staged bundles) are loaded as they are.
 *
 * @example
 * const code = await FunctionBundler.shared().code('/app/lambdas/handlers/message.ts');
 * // { main: '/tmp/apigw-chat-functions/4711/runtime/container-main.js', handler: '/tmp/…/functions/message-1.js' }
 */
export class FunctionBundler {
  private static instance: FunctionBundler | undefined;
  private main: Promise<string> | undefined;
  private bundles = 0;

  /** @param dir Where bundles are written; the caller removes it (see `shared()`). */
  constructor(private readonly dir: string) {}

  /**
   * One bundler per process, writing to `processDirectory()` under the system's temporary
   * directory: removed when the process exits, or by the next process if this one was killed.
   */
  static shared(): FunctionBundler {
    if (FunctionBundler.instance === undefined) {
      const dir = processDirectory(join(tmpdir(), 'apigw-chat-functions'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      FunctionBundler.instance = new FunctionBundler(dir);
    }
    return FunctionBundler.instance;
  }

  /**
   * The runtime's main, and a fresh bundle of `module` if it is TypeScript (an ES module for
   * `.mts`, CommonJS otherwise) or `module` itself. Settles once both builds have ended, so
   * a failed handler build leaves no build of the main still writing.
   */
  async code(module: string): Promise<ContainerCode> {
    const [main, handler] = await Promise.allSettled([
      this.runtimeMain(),
      TYPESCRIPT.has(extname(module)) ? this.bundleHandler(module) : module,
    ]);
    if (handler.status === 'rejected') throw handler.reason;
    if (main.status === 'rejected') throw main.reason;
    return { main: main.value, handler: handler.value };
  }

  /**
   * The container's main, bundled once and without a source map: its stack frames keep the
   * bundle's path, which is how the freeze detector tells the runtime's frames from the app's.
   */
  private runtimeMain(): Promise<string> {
    this.main ??= (async () => {
      const outfile = join(this.dir, 'runtime', 'container-main.js');
      await build({ ...COMMON, entryPoints: [CONTAINER_MAIN], outfile, format: 'cjs' });
      return outfile;
    })().catch((error: unknown) => {
      this.main = undefined;
      throw error;
    });
    return this.main;
  }

  private async bundleHandler(module: string): Promise<string> {
    this.bundles += 1;
    const esm = extname(module) === '.mts';
    const name = basenameOf(module);
    const dir = join(this.dir, 'functions');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `${name}-${this.bundles}${esm ? '.mjs' : '.js'}`);
    await build({
      ...COMMON,
      entryPoints: [module],
      outfile,
      format: esm ? 'esm' : 'cjs',
      // CommonJS code in an ES module bundle still calls `require`.
      ...(esm ? { banner: { js: ESM_REQUIRE } } : {}),
      sourcemap: true,
      sourcesContent: false,
      plugins: [decoratorMetadataPlugin()],
      external: [...NEST_LAZY_MODULES],
    });
    return outfile;
  }
}

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

const ESM_REQUIRE =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  logLevel: 'silent',
} as const;

function basenameOf(module: string): string {
  const file = module.split(/[\\/]/).pop() ?? 'handler';
  return file.slice(0, file.length - extname(file).length) || 'handler';
}

/**
 * A fresh directory named after this process under `root`, after removing those of processes
 * that no longer run (a test worker killed by its runner never runs its exit handlers).
 *
 * @example
 * processDirectory('/tmp/apigw-chat-functions'); // '/tmp/apigw-chat-functions/4711'
 */
export function processDirectory(root: string, pid = process.pid): string {
  mkdirSync(root, { recursive: true });
  for (const entry of readdirSync(root)) {
    const owner = Number(entry);
    if (owner !== pid && (!Number.isInteger(owner) || !running(owner))) {
      rmSync(join(root, entry), { recursive: true, force: true });
    }
  }
  const dir = join(root, String(pid));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  return dir;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
