import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ChatStack } from '../../lib/chat-stack';
import { findAppRoot, type ReadApiTemplateOptions } from './read-api-template';

/** A synthesized template and where its paths are relative to. */
export interface AppTemplate extends ReadApiTemplateOptions {
  readonly template: unknown;
}

/** The chat's stack name, as `bin/app.ts` synthesizes it. */
export const CHAT_STACK_NAME = 'ApigwChat';
const REPO_ROOT = resolve(__dirname, '..', '..');

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
 * `cdk synth` run.
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
  const outdir = await mkdtemp(join(tmpdir(), 'apigw-chat-synth-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      treeMetadata: false,
      context: { ...cdkJson.context, ...context, 'aws:cdk:bundling-stacks': [] },
    });
    new ChatStack(app, CHAT_STACK_NAME);
    const assembly = app.synth({ skipValidation: true });
    return {
      template: assembly.getStackByName(CHAT_STACK_NAME).template as unknown,
      stackName: CHAT_STACK_NAME,
      assemblyDir: outdir,
      appRoot: REPO_ROOT,
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
