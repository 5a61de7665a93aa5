import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { findAppRoot, type ReadApiTemplateOptions } from './read-api-template';

/** A synthesized template and where its paths are relative to. */
export interface AppTemplate extends ReadApiTemplateOptions {
  readonly template: unknown;
}

/** The chat's stack name, as `bin/app.ts` synthesizes it. */
export const CHAT_STACK_NAME = 'ApigwChat';
const REPO_ROOT = resolve(__dirname, '..', '..');
/** Where synthesized chat templates are kept, by the hash of what made them. */
const CACHE_DIR = join(REPO_ROOT, '.data', 'local-templates');
/** What the chat stack's template is made of: its code and shared definitions. */
const STACK_SOURCES = ['lib', 'definitions'];

/**
 * Reads a template `cdk synth` wrote (e.g. `cdk.out/MyStack.template.json`): the stack name
 * is the file's name, assets are relative to its directory, and TypeScript entries to the
 * nearest directory above it holding `cdk.json`.
 *
 * @example
 * const app = await readTemplateFile('cdk.out/EchoApp.template.json');
 */
export async function readTemplateFile(path: string): Promise<AppTemplate> {
  const file = resolve(path);
  const assemblyDir = dirname(file);
  return {
    template: JSON.parse(await readFile(file, 'utf8')) as unknown,
    stackName: basename(file).replace(/\.template\.json$/, ''),
    assemblyDir,
    appRoot: findAppRoot(assemblyDir, dirname(assemblyDir)),
  };
}

/**
 * Synthesizes this repository's `ChatStack` in this process, with `cdk.json`'s context and
 * `context` over it, without bundling the functions (the local runtime runs their TypeScript
 * entries) and without the CloudFormation validation plugin: about a second instead of a
 * `cdk synth` run. The template is kept in `.data/local-templates/` under the hash of the
 * context, `cdk.json`, `lib/`, `definitions/` and aws-cdk-lib's version, so the next start
 * with the same stack code skips loading the CDK at all. With a `nestModule`, whose gateways'
 * code decides the routes, it synthesizes every time.
 *
 * @example
 * const app = await synthesizeChatStack({ stageName: 'local', authMode: 'anonymous' });
 */
export async function synthesizeChatStack(
  context: Readonly<Record<string, unknown>>,
): Promise<AppTemplate> {
  const cdkJson = JSON.parse(await readFile(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const fullContext: Record<string, unknown> = {
    ...cdkJson.context,
    ...context,
    'aws:cdk:bundling-stacks': [],
  };
  const cacheFile = join(CACHE_DIR, `${await stackHash(fullContext)}.json`);
  const located = { stackName: CHAT_STACK_NAME, appRoot: REPO_ROOT };
  // A Nest module's routes come from its gateways' code, which the hash does not cover.
  if (fullContext.nestModule)
    return { ...located, template: await synthesize(fullContext), assemblyDir: CACHE_DIR };
  try {
    const template = JSON.parse(await readFile(cacheFile, 'utf8')) as unknown;
    return { ...located, template, assemblyDir: CACHE_DIR };
  } catch {
    // Not synthesized yet with this code and context.
  }
  const template = await synthesize(fullContext);
  await mkdir(CACHE_DIR, { recursive: true });
  await writeFile(cacheFile, JSON.stringify(template));
  return { ...located, template, assemblyDir: CACHE_DIR };
}

async function synthesize(context: Record<string, unknown>): Promise<unknown> {
  // Loaded only when the cache misses: the CDK takes about a second to load.
  const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { ChatStack } = require('../../lib/chat-stack') as typeof import('../../lib/chat-stack');
  const outdir = await mkdtemp(join(tmpdir(), 'apigw-chat-synth-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      treeMetadata: false,
      context,
    });
    new ChatStack(app, CHAT_STACK_NAME);
    return app.synth({ skipValidation: true }).getStackByName(CHAT_STACK_NAME).template as unknown;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** The hash of the context, `cdk.json`, every file of `STACK_SOURCES` and aws-cdk-lib's version. */
async function stackHash(context: Record<string, unknown>): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(context));
  const { version } = require('aws-cdk-lib/package.json') as { version: string };
  hash.update(version);
  for (const dir of STACK_SOURCES) {
    const files = await readdir(join(REPO_ROOT, dir), { recursive: true });
    for (const file of files.sort()) {
      if (!/\.(ts|json)$/.test(file)) continue;
      hash.update(file).update(await readFile(join(REPO_ROOT, dir, file)));
    }
  }
  return hash.digest('hex').slice(0, 32);
}
