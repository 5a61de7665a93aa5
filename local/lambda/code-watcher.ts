import { type FSWatcher, watch } from 'node:fs';
import { join, relative } from 'node:path';

const CODE_FILE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;

/** A running watch; `close()` ends it. */
export interface CodeWatcher {
  close(): void;
}

/**
 * Watches directories (recursively) for changed code files and calls `onChange` once per burst
 * of changes (editors write several times per save), with the changed paths relative to
 * `root`.
 *
 * @example
 * const watcher = watchCode(['/repo/lambdas'], '/repo', (files) => pool.reload());
 * watcher.close();
 */
export function watchCode(
  dirs: readonly string[],
  root: string,
  onChange: (files: readonly string[]) => void,
  quietMs = 150,
): CodeWatcher {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = dirs.map((dir) =>
    watch(dir, { recursive: true, persistent: false }, (_event, file) => {
      if (file === null || !CODE_FILE.test(file) || file.includes('node_modules')) return;
      changed.add(relative(root, join(dir, file)));
      clearTimeout(timer);
      timer = setTimeout(() => {
        const files = [...changed].sort();
        changed.clear();
        onChange(files);
      }, quietMs);
    }),
  );
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
