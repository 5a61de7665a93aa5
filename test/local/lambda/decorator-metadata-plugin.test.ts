import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FunctionBundler } from '../../../local/lambda/function-bundler';

jest.setTimeout(30_000);

describe('decoratorMetadataPlugin (through FunctionBundler)', () => {
  // In the project, so that the bundle resolves @nestjs/common from its node_modules.
  const dir = mkdtempSync(join(resolve(__dirname, '..', '..', '..'), '.decorator-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("emits the constructor parameter types Nest's injection reads, which esbuild alone leaves out", async () => {
    // Prepare: a provider injected by type, as Nest apps write them.
    writeFileSync(
      join(dir, 'handler.ts'),
      [
        "import 'reflect-metadata';",
        "import { Injectable } from '@nestjs/common';",
        'class Clock {}',
        '@Injectable()',
        'export class Greeter { constructor(readonly clock: Clock) {} }',
        "export const handler = async () => Reflect.getMetadata('design:paramtypes', Greeter)?.map((type: { name: string }) => type.name);",
      ].join('\n'),
    );
    const bundler = new FunctionBundler(join(dir, 'out'));

    // Act
    const { handler } = await bundler.code(join(dir, 'handler.ts'));

    // Assess
    const printed = execFileSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(handler)}).handler().then((v) => console.log(JSON.stringify(v)))`,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(JSON.parse(printed)).toEqual(['Clock']);
  });
});
