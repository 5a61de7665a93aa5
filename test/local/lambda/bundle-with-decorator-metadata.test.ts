import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWithDecoratorMetadata } from '../../../local/lambda/bundle-with-decorator-metadata';

jest.setTimeout(60_000);

/** class-validator's default message for `@IsNotEmpty()`: present only where it is bundled. */
const CLASS_VALIDATOR_TEXT = 'should not be empty';

describe('bundleWithDecoratorMetadata', () => {
  // Entries in the project, so that they resolve @nestjs/* from its node_modules; bundles
  // outside it, so that a package left out of a bundle cannot be found when it runs.
  const sources = mkdtempSync(join(resolve(__dirname, '..', '..', '..'), '.bundle-test-'));
  const bundles = mkdtempSync(join(tmpdir(), 'apigw-chat-bundle-test-'));
  afterAll(() => {
    rmSync(sources, { recursive: true, force: true });
    rmSync(bundles, { recursive: true, force: true });
  });

  /** Runs the bundle's `handler()` in a fresh Node outside the project; its JSON result. */
  const run = (bundle: string): unknown =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(bundle)}).handler().then((v) => console.log(JSON.stringify(v)))`,
        ],
        { encoding: 'utf8', cwd: bundles },
      ),
    );

  it("leaves Nest's validation packages out of an application that does not use them, and it runs without them", async () => {
    // Prepare
    const entry = join(sources, 'plain.ts');
    writeFileSync(
      entry,
      [
        "import 'reflect-metadata';",
        "import { Injectable } from '@nestjs/common';",
        'class Clock {}',
        '@Injectable()',
        'export class Greeter { constructor(readonly clock: Clock) {} }',
        "export const handler = async () => Reflect.getMetadata('design:paramtypes', Greeter)[0] === Clock;",
      ].join('\n'),
    );
    const bundle = join(bundles, 'plain.js');

    // Act
    const { validation } = await bundleWithDecoratorMetadata(entry, bundle);

    // Assess
    expect(validation).toBe(false);
    expect(readFileSync(bundle, 'utf8')).not.toContain(CLASS_VALIDATOR_TEXT);
    expect(run(bundle)).toBe(true);
  });

  it('bundles them for an application whose DTOs use class-validator, and ValidationPipe works from the bundle alone', async () => {
    // Prepare
    const entry = join(sources, 'validated.ts');
    writeFileSync(
      entry,
      [
        "import 'reflect-metadata';",
        "import { ValidationPipe } from '@nestjs/common';",
        "import { IsNotEmpty } from 'class-validator';",
        'class NameDto { @IsNotEmpty() name!: string; }',
        'export const handler = async () =>',
        "  new ValidationPipe().transform({ name: '' }, { type: 'body', metatype: NameDto }).catch((error: { getResponse(): unknown }) => error.getResponse());",
      ].join('\n'),
    );
    const bundle = join(bundles, 'validated.js');

    // Act
    const { validation } = await bundleWithDecoratorMetadata(entry, bundle);

    // Assess
    expect(validation).toBe(true);
    expect(run(bundle)).toMatchObject({ message: [`name ${CLASS_VALIDATOR_TEXT}`] });
  });

  it('bundles them when the application names ValidationPipe without importing class-validator itself', async () => {
    // Prepare
    const entry = join(sources, 'pipe-only.ts');
    writeFileSync(
      entry,
      [
        "import { ValidationPipe } from '@nestjs/common';",
        'export const handler = async () => typeof new ValidationPipe().transform;',
      ].join('\n'),
    );
    const bundle = join(bundles, 'pipe-only.js');

    // Act
    const { validation } = await bundleWithDecoratorMetadata(entry, bundle);

    // Assess
    expect(validation).toBe(true);
    expect(run(bundle)).toBe('function');
  });
});
