import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ChatStack } from '../../lib/chat-stack';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');
const handler = (name: string) => join(ROOT, 'test/fixtures/nest-app/handlers', `${name}.ts`);

/** The chat stack with the seeds' Nest gateways in its connect, disconnect and message functions. */
describe('ChatStack with Nest gateway entries (decoratorMetadata)', () => {
  mkdirSync(join(ROOT, 'cdk.out'), { recursive: true });
  const outdir = mkdtempSync(join(ROOT, 'cdk.out', 'nest-entries-'));
  const app = new App({
    outdir,
    context: { 'aws:cdk:enable-asset-metadata': true, authMode: 'anonymous' },
  });
  const stack = new ChatStack(app, 'NestEntries', {
    entries: {
      connect: handler('connect'),
      disconnect: handler('disconnect'),
      message: handler('message'),
    },
    decoratorMetadata: true,
  });
  const template = Template.fromStack(stack);
  app.synth();

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** The bundle (index.js) a function of the template runs, by its description. */
  const bundleOf = (description: RegExp): string => {
    const functions = template.findResources('AWS::Lambda::Function');
    const found = Object.values(functions).find((fn) =>
      description.test(String(fn.Properties?.Description)),
    );
    const asset = found?.Metadata?.['aws:asset:path'] as string | undefined;
    if (!asset) throw new Error(`no function like ${description}`);
    return readFileSync(join(outdir, asset, 'index.js'), 'utf8');
  };

  it("bundles the gateways into connect, disconnect and message, with their decorators' type metadata", () => {
    // Act
    const bundles = [/^\$connect/, /^\$disconnect/, /^\$default/].map(bundleOf);

    // Assess
    for (const bundle of bundles) {
      expect(bundle).toContain('uniCast');
      expect(bundle).toContain('design:paramtypes');
    }
  });

  it("leaves the chat's other functions as they are", () => {
    // Act
    const worker = bundleOf(/^Asynchronous worker/);

    // Assess
    expect(worker).not.toContain('uniCast');
    expect(worker).not.toContain('design:paramtypes');
  });
});
