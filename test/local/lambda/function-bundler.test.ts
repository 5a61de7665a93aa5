import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionBundler, processDirectory } from '../../../local/lambda/function-bundler';

jest.setTimeout(30_000);

describe('FunctionBundler', () => {
  let dir: string;
  let bundler: FunctionBundler;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bundler-test-'));
    bundler = new FunctionBundler(join(dir, 'out'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Requires `file` in a fresh process and prints what `handler` returns. */
  const run = (file: string) =>
    execFileSync(
      process.execPath,
      [
        '--enable-source-maps',
        '-e',
        `require(${JSON.stringify(file)}).handler().then(console.log)`,
      ],
      { encoding: 'utf8' },
    ).trim();

  it('bundles a TypeScript handler with what it imports into one file that runs without a compiler', async () => {
    // Prepare
    writeFileSync(
      join(dir, 'greeting.ts'),
      "export const greeting = (name: string): string => 'hi ' + name;\n",
    );
    writeFileSync(
      join(dir, 'handler.ts'),
      "import { greeting } from './greeting';\nexport const handler = async (): Promise<string> => greeting('Ann');\n",
    );

    // Act
    const code = await bundler.code(join(dir, 'handler.ts'));

    // Assess
    expect(code.handler.startsWith(join(dir, 'out', 'functions'))).toBe(true);
    expect(code.handler).toMatch(/handler-\d+\.js$/);
    expect(run(code.handler)).toBe('hi Ann');
    expect(code.main).toBe(join(dir, 'out', 'runtime', 'container-main.js'));
  });

  it('writes a new bundle each time, so a changed source is picked up and older bundles stay as they were', async () => {
    // Prepare
    const source = join(dir, 'handler.ts');
    writeFileSync(source, "export const handler = async () => 'one';\n");
    const first = await bundler.code(source);

    // Act
    writeFileSync(source, "export const handler = async () => 'two';\n");
    const second = await bundler.code(source);

    // Assess
    expect(second.handler).not.toBe(first.handler);
    expect(second.main).toBe(first.main);
    expect(run(first.handler)).toBe('one');
    expect(run(second.handler)).toBe('two');
  });

  it('loads a JavaScript handler as it is', async () => {
    // Prepare
    const staged = join(dir, 'index.js');
    writeFileSync(staged, "exports.handler = async () => 'staged';\n");

    // Act
    const code = await bundler.code(staged);

    // Assess
    expect(code.handler).toBe(staged);
  });

  it('rejects a handler that does not compile, naming the file and the error', async () => {
    // Prepare
    writeFileSync(join(dir, 'broken.ts'), 'export const handler = async () => {\n');

    // Act
    const bundling = bundler.code(join(dir, 'broken.ts'));

    // Assess
    await expect(bundling).rejects.toThrow(/broken\.ts:2:0: ERROR: Unexpected end of file/);
  });
});

describe('processDirectory', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bundler-root-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("removes the directories of processes that no longer run, keeps running processes' and starts its own empty", () => {
    // Prepare: a finished process's bundles, a running one's (the parent's), and this process's last ones.
    const finished = execFileSync(process.execPath, ['-p', 'process.pid'], {
      encoding: 'utf8',
    }).trim();
    for (const owner of [finished, String(process.ppid), String(process.pid), 'stray']) {
      mkdirSync(join(root, owner, 'functions'), { recursive: true });
    }
    writeFileSync(join(root, String(process.pid), 'functions', 'old-1.js'), '');

    // Act
    const dir = processDirectory(root);

    // Assess
    expect(dir).toBe(join(root, String(process.pid)));
    expect(readdirSync(root).sort()).toEqual([String(process.pid), String(process.ppid)].sort());
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(root, finished))).toBe(false);
  });
});
