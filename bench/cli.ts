import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Log } from './bench-section';

/**
 * Writes a generated Markdown file, then lets Biome lay it out (it aligns tables), so
 * `npm run lint` passes on it. A Biome failure is logged, not thrown: the content is there.
 *
 * @example
 * await writeMarkdown(ROOT, join(ROOT, 'BENCHMARKS.md'), markdown, console.error);
 */
export async function writeMarkdown(
  root: string,
  path: string,
  content: string,
  log: Log,
): Promise<void> {
  await writeFile(path, content);
  try {
    const biome = require.resolve('@biomejs/biome/bin/biome');
    await promisify(execFile)(process.execPath, [biome, 'format', '--write', path], {
      cwd: root,
      timeout: 60_000,
    });
  } catch (error) {
    log(`could not format ${path} with Biome: ${error instanceof Error ? error.message : error}`);
  }
}

/**
 * Runs a command-line `main` and sets the exit code to what it returns, or to 1 when it
 * throws (printed after `name:`).
 *
 * @example
 * if (require.main === module) runMain('bench', main);
 */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`${name}:`, error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    },
  );
}
