import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Aspects, CfnResource } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChatStack } from '../../lib/chat-stack';

/** A suppression as cdk-nag stores it in a resource's `cdk_nag` metadata. */
interface StoredSuppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: unknown[];
  readonly is_reason_encoded?: boolean;
}

/** Rules whose findings name one wildcard or policy each: never suppressed as a whole. */
const PER_FINDING_RULES = ['AwsSolutions-IAM4', 'AwsSolutions-IAM5'];
const MIN_REASON_LENGTH = 20;
const AWS_SOLUTIONS = Match.stringLikeRegexp('AwsSolutions-.*');

let tmp: string;
let pageDir: string;

/** A ChatStack (by default hosting the fixture page), unbundled, with the AwsSolutions checks. */
function checkedStack({
  context = {},
  hosted = true,
}: {
  context?: Record<string, unknown>;
  hosted?: boolean;
} = {}): ChatStack {
  const app = new App({
    outdir: mkdtempSync(path.join(tmp, 'cdk.out-')),
    context: { 'aws:cdk:bundling-stacks': [], ...context },
  });
  const stack = new ChatStack(app, 'NagStack', { webDir: hosted ? pageDir : undefined });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return stack;
}

/** Every suppression on every resource of the stack, reasons decoded. */
function suppressionsOf(stack: ChatStack): (StoredSuppression & { path: string })[] {
  return stack.node
    .findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource)
    .flatMap((resource) => {
      const metadata = resource.getMetadata('cdk_nag') as
        | { rules_to_suppress?: StoredSuppression[] }
        | undefined;
      return (metadata?.rules_to_suppress ?? []).map((s) => ({
        ...s,
        reason: s.is_reason_encoded ? Buffer.from(s.reason, 'base64').toString() : s.reason,
        path: resource.node.path,
      }));
    });
}

/** Findings as `path: message`, so a failure names them. */
function findingsOf(annotations: Annotations, level: 'error' | 'warning'): string[] {
  const found =
    level === 'error'
      ? annotations.findError('*', AWS_SOLUTIONS)
      : annotations.findWarning('*', AWS_SOLUTIONS);
  return found.map((m) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`);
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'cdk-nag-test-'));
  pageDir = path.join(tmp, 'page');
  mkdirSync(pageDir);
  writeFileSync(path.join(pageDir, 'index.html'), '<!doctype html><title>fixture</title>');
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('cdk-nag: AwsSolutions', () => {
  describe.each([
    ['the hosted stack', {}, true],
    ['the hosted stack with removalPolicy=retain', { removalPolicy: 'retain' }, true],
    ['the stack without a page', {}, false],
  ])('%s', (_, context, hosted) => {
    let annotations: Annotations;

    beforeAll(() => {
      // Prepare / Act: one synth, its annotations shared by both tests.
      const stack = checkedStack({ context, hosted });
      expect(stack.web !== undefined).toBe(hosted);
      annotations = Annotations.fromStack(stack);
    });

    it('has no unsuppressed error', () => {
      // Assess
      expect(findingsOf(annotations, 'error')).toEqual([]);
    });

    it('has no unsuppressed warning', () => {
      // Assess
      expect(findingsOf(annotations, 'warning')).toEqual([]);
    });
  });

  describe('Suppressions', () => {
    let suppressions: ReturnType<typeof suppressionsOf>;

    beforeAll(() => {
      const stack = checkedStack();
      suppressions = suppressionsOf(stack);
    });

    it('exist, so the checks above are not vacuous', () => {
      // Assess
      expect(suppressions.length).toBeGreaterThan(0);
    });

    it(`each give a reason of at least ${MIN_REASON_LENGTH} characters`, () => {
      // Act
      const short = suppressions.filter((s) => s.reason.trim().length < MIN_REASON_LENGTH);

      // Assess
      expect(short.map((s) => `${s.path} ${s.id}: ${s.reason}`)).toEqual([]);
    });

    it('of IAM rules each name the findings they accept (appliesTo)', () => {
      // Act
      const blanket = suppressions.filter(
        (s) => PER_FINDING_RULES.includes(s.id) && (s.applies_to ?? []).length === 0,
      );

      // Assess
      expect(blanket.map((s) => `${s.path} ${s.id}`)).toEqual([]);
    });
  });

  describe('Checks', () => {
    it('report a finding that nothing suppresses', () => {
      // Prepare
      const stack = checkedStack();

      // Act
      new Bucket(stack, 'UnloggedBucket', { enforceSSL: true });

      // Assess
      expect(findingsOf(Annotations.fromStack(stack), 'error')).toEqual([
        expect.stringMatching(/UnloggedBucket.*AwsSolutions-S1/),
      ]);
    });
  });
});
