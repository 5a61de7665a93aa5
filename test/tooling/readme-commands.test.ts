import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication, Type } from '@nestjs/common';
import ts from 'typescript';
import { Server } from '../../lambdas/core/server';
import { bootstrapGateways } from '../../lambdas/nest/bootstrap-gateways';
import { ChatHarness } from '../support/chat-harness';

/**
 * README.md stays true: every shell command it shows is checked against what it calls (npm
 * scripts in package.json, options in the `--help` text each tool prints, files on disk, CDK
 * context keys), every relative link points to a file and heading that exist, and its two
 * TypeScript blocks (a namespace and its test) are compiled and run here as written.
 */
const ROOT = resolve(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const STACK_CONFIG = readFileSync(join(ROOT, 'lib/stack-config.ts'), 'utf8');
const run = promisify(execFile);

/** Commands that need an AWS account or the machine's package manager: never run here. */
const OUTSIDE_COMMANDS = [
  /^apt-get install /,
  /^aws (configure|sso login)$/,
  /^export AWS_REGION=/,
];

/** The fenced blocks of a language, with the path their first line names in a `// path` comment. */
function codeBlocks(language: string): { path?: string; code: string }[] {
  const blocks = [...README.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm'))];
  return blocks.map((match) => {
    const code = match[1] as string;
    const path = /^\/\/ (\S+\.ts)\n/.exec(code)?.[1];
    return path === undefined ? { code } : { path, code };
  });
}

/** Shell commands: each line of the sh blocks, inline command spans and `$(npm …)` substitutions. */
function shellCommands(): string[] {
  const fenced = codeBlocks('sh').flatMap(({ code }) => code.split('\n'));
  const inline = [...README.matchAll(/`((?:npm|npx|aws|apt-get|export) [^`]+)`/g)].map(
    (match) => match[1] as string,
  );
  const nested = [...README.matchAll(/\$\((npm [^)]+)\)/g)].map((match) => match[1] as string);
  return [...fenced, ...inline, ...nested]
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

/** The long options a command line passes after its program (`--port 4000` → `--port`). */
const flagsOf = (command: string): string[] =>
  [...command.replace(/"[^"]*"|'[^']*'/g, '').matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)]
    .map((match) => match[1] as string)
    .filter((flag) => flag !== '--');

/** Files a README block creates: they exist once a reader follows the README. */
const createdByReadme = new Set(codeBlocks('ts').flatMap(({ path }) => (path ? [path] : [])));

let help: Record<'start' | 'token' | 'cli' | 'cdk', string>;

beforeAll(async () => {
  const options = { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 };
  const [start, token, cli, cdk] = await Promise.all([
    run('npm', ['start', '--', '--help'], options),
    run('npm', ['run', '-s', 'token', '--', '--help'], options),
    run('npx', ['apigw-chat', '--help'], options),
    run('npx', ['cdk', '--help'], options),
  ]);
  help = { start: start.stdout, token: token.stdout, cli: cli.stdout, cdk: cdk.stdout };
}, 90_000);

/** The options of `flags` that `usage` does not list (`--user` is not `--username`), as problems. */
const unknownFlags = (usage: string, flags: readonly string[]): string[] =>
  flags
    .filter((flag) => !new RegExp(`${flag}(?![\\w-])`).test(usage))
    .map((flag) => `${flag} is not in its --help`);

/** How each kind of command is checked: a pattern, and the problems of a line it matches. */
const CHECKS: readonly [RegExp, (match: RegExpExecArray) => string[]][] = [
  [/^npm ci$/, () => (existsSync(join(ROOT, 'package-lock.json')) ? [] : ['no package-lock.json'])],
  [/^npm start(?: -- (.*))?$/, (match) => unknownFlags(help.start, flagsOf(match[1] ?? ''))],
  [/^npm test$/, () => (PACKAGE.scripts.test ? [] : ['no test script'])],
  [
    /^npm run (?:-s )?([\w:]+)(?: -- (.*))?$/,
    (match) => {
      const script = match[1] as string;
      if (!PACKAGE.scripts[script]) return [`no npm script ${script}`];
      if (script === 'token') return unknownFlags(help.token, flagsOf(match[2] ?? ''));
      return match[2] === undefined ? [] : [`no --help checked for npm run ${script}`];
    },
  ],
  [
    /^npx jest (\S+)$/,
    (match) => {
      const file = match[1] as string;
      return existsSync(join(ROOT, file)) || createdByReadme.has(file) ? [] : [`no ${file}`];
    },
  ],
  [
    // A script run with the token in its environment (the nested `npm run -s token` is checked on its own).
    /^TOKEN=\$\(npm run -s token [^)]+\) npx tsx (\S+\.ts)$/,
    (match) => (existsSync(join(ROOT, match[1] as string)) ? [] : [`no ${match[1]}`]),
  ],
  [
    /^npx apigw-chat (\S+)(.*)$/,
    (match) => [
      ...(match[1] === '--help' || help.cli.includes(`apigw-chat ${match[1]}`)
        ? []
        : [`no apigw-chat ${match[1]}`]),
      ...unknownFlags(help.cli, flagsOf(match[2] as string)),
    ],
  ],
  [
    /^npx cdk (\w+)(.*)$/,
    (match) => [
      ...(new RegExp(`^\\s+cdk ${match[1]}\\b`, 'm').test(help.cdk) ? [] : [`no cdk ${match[1]}`]),
      ...[...(match[2] as string).matchAll(/-c (\w+)=/g)]
        .filter((context) => !STACK_CONFIG.includes(`'${context[1]}'`))
        .map((context) => `no context key ${context[1]}`),
    ],
  ],
  [
    /^npx wscat -c "ws:\/\/localhost:3001\/local\?([^"]*)"(.*)$/,
    (match) => {
      const query = new URLSearchParams(match[1] as string);
      const token = /^ -s apigw-chat -s "token\.(\$\(npm run -s token [^)]+\))"$/.exec(
        match[2] as string,
      );
      return [
        ...(token
          ? []
          : ['the token is not offered as -s apigw-chat -s "token.$(npm run -s token …)"']),
        ...(query.has('token') ? ['a token in the URL'] : []),
        ...(/^\//.test(query.get('ns') ?? '') ? [] : ['no ?ns=/…']),
      ];
    },
  ],
];

/** Why a command is wrong: nothing when everything it names exists. */
function problemsOf(command: string): string[] {
  if (OUTSIDE_COMMANDS.some((pattern) => pattern.test(command))) return [];
  for (const [pattern, check] of CHECKS) {
    const match = pattern.exec(command);
    if (match) return check(match);
  }
  return ['not a command this test knows how to check'];
}

describe('README.md shell commands', () => {
  it('names only scripts, options, files and context keys that exist', () => {
    const commands = shellCommands();
    expect(commands.length).toBeGreaterThan(15);
    const wrong = commands.flatMap((command) =>
      problemsOf(command).map((problem) => `${command}: ${problem}`),
    );
    expect(wrong).toEqual([]);
  });

  it('catches a flag, script or file that does not exist', () => {
    expect(problemsOf('npm start -- --verbose')).toEqual(['--verbose is not in its --help']);
    expect(problemsOf('npm run -s token -- --user a --ttl 1h')).toEqual([
      '--ttl is not in its --help',
    ]);
    expect(problemsOf('npm run -s token -- --use ann')).toEqual(['--use is not in its --help']);
    expect(problemsOf('npm run test:everything')).toEqual(['no npm script test:everything']);
    expect(problemsOf('npx jest test/nowhere.test.ts')).toEqual(['no test/nowhere.test.ts']);
    expect(problemsOf('npx apigw-chat emit --channel x hello')).toEqual([
      '--channel is not in its --help',
    ]);
    expect(problemsOf('npx cdk deploy -c regionName=x')).toEqual(['no context key regionName']);
    expect(problemsOf('npx cdk teleport')).toEqual(['no cdk teleport']);
    expect(problemsOf('curl http://localhost:3001/')).toEqual([
      'not a command this test knows how to check',
    ]);
  });
});

describe('README.md links', () => {
  const links = new Set(
    [...README.matchAll(/\]\(((?!https?:)[^)\s]+)\)/g)].map((match) => match[1] as string),
  );

  it.each([...links])('%s exists', (link) => {
    const [file = '', anchor] = link.split('#');
    const path = join(ROOT, file);
    expect(existsSync(path)).toBe(true);
    if (anchor !== undefined) {
      const slugs = [...readFileSync(path, 'utf8').matchAll(/^#+ (.+)$/gm)].map((heading) =>
        (heading[1] as string)
          .toLowerCase()
          .replace(/[^\w\s-]/g, '')
          .replace(/\s/g, '-'),
      );
      expect(slugs).toContain(anchor);
    }
  });
});

/** Compiles a README block and runs it as the module at `path`, its imports mapped by `resolveImport`. */
function runBlock(code: string, path: string, resolveImport: (specifier: string) => unknown) {
  const { outputText } = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: path,
  });
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', outputText)(resolveImport, module, module.exports);
  return module.exports;
}

describe('README.md "Write your own namespace"', () => {
  const [namespaceBlock, testBlock] = codeBlocks('ts').filter(({ path }) => path !== undefined);
  const namespacePath = namespaceBlock?.path as string;
  const requireFrom = (file: string) => (specifier: string) =>
    jest.requireActual(join(ROOT, dirname(file), specifier));

  const namespaceModule = runBlock(
    namespaceBlock?.code ?? '',
    namespacePath,
    requireFrom(namespacePath),
  );
  const testPath = testBlock?.path as string;
  runBlock(testBlock?.code ?? '', testPath, (specifier) =>
    join(dirname(testPath), specifier) === namespacePath.replace(/\.ts$/, '')
      ? namespaceModule
      : requireFrom(testPath)(specifier),
  );

  it('names the files the blocks are', () => {
    expect(namespacePath).toBe('lambdas/app/greeter-namespace.ts');
    expect(testPath).toBe('test/lambdas/app/greeter-namespace.test.ts');
    expect(namespaceModule.registerGreeterNamespace).toEqual(expect.any(Function));
  });
});

describe('README.md "NestJS gateways"', () => {
  const block = codeBlocks('ts').find(({ path }) => path === 'src/hello.module.ts');
  let app: INestApplication | undefined;

  afterAll(async () => {
    await app?.close();
  });

  it('runs the smallest gateway as written: the sender gets the ack, everyone else in /hello the broadcast', async () => {
    // Prepare: the block compiled as Nest apps are (decorators with their type metadata).
    const { outputText } = ts.transpileModule(block?.code ?? '', {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
      fileName: 'src/hello.module.ts',
    });
    const module = { exports: {} as Record<string, unknown> };
    new Function('require', 'module', 'exports', outputText)(
      (specifier: string) =>
        jest.requireActual(specifier.startsWith('.') ? join(ROOT, 'src', specifier) : specifier),
      module,
      module.exports,
    );
    const chat = new ChatHarness((options) => new Server(options));
    app = await bootstrapGateways(module.exports.HelloModule as Type<unknown>, chat.server, {
      logger: false,
    });
    const ann = await chat.connect('/hello');
    const bob = await chat.connect('/hello');

    // Act
    const reply = await chat.send(ann, 'hello', 'Ann', 1);

    // Assess
    expect(reply).toEqual({ ack: 1, data: 'Hello, Ann!' });
    expect(chat.frames(bob)).toEqual([expect.objectContaining({ event: 'joined', data: 'Ann' })]);
    expect(chat.frames(ann)).toEqual([]);
  });
});
