import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChatStack } from '../../lib/chat-stack';
import { onlyIdOf, type Resource, render, resourcesOf, type Statement } from './template-helpers';

/** A ChatStack without bundling, with the AwsSolutions checks. */
function synth(): { stack: ChatStack; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ChatStack(app, 'EmitterStack');
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { stack, template: Template.fromStack(stack) };
}

describe('Class: EmitterAccess (in ChatStack)', () => {
  let stack: ChatStack;
  let template: Template;
  let policyId: string;
  let policy: Resource;
  let statements: Statement[];

  beforeAll(() => {
    // Prepare / Act: one synth shared by the read-only tests.
    ({ stack, template } = synth());
    policyId = onlyIdOf(template, 'AWS::IAM::ManagedPolicy');
    policy = resourcesOf(template, 'AWS::IAM::ManagedPolicy')[policyId] as Resource;
    statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  });

  it('allows exactly the table actions an emitter needs, on the chat table only', () => {
    // Prepare
    const tableId = onlyIdOf(template, 'AWS::DynamoDB::Table');

    // Act
    const table = statements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
    );

    // Assess
    expect(table).toHaveLength(1);
    expect([table[0]?.Action].flat().sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect([table[0]?.Action].flat()).not.toContain('dynamodb:Scan');
    expect(table[0]?.Effect).toBe('Allow');
    expect([table[0]?.Resource].flat().map(render)).toEqual([`{${tableId}.Arn}`]);
  });

  it("allows execute-api:ManageConnections on the stage's POST/@connections/* only", () => {
    // Prepare
    const apiId = onlyIdOf(template, 'AWS::ApiGatewayV2::Api');

    // Act
    const manage = statements.filter((s) =>
      [s.Action].flat().includes('execute-api:ManageConnections'),
    );

    // Assess
    expect(manage).toHaveLength(1);
    expect(manage[0]?.Action).toBe('execute-api:ManageConnections');
    expect([manage[0]?.Resource].flat().map(render)).toEqual([
      `arn:{AWS::Partition}:execute-api:{AWS::Region}:{AWS::AccountId}:{${apiId}}/${stack.stage.stageName}/POST/@connections/*`,
    ]);
  });

  it('has nothing else and is attached to no one: the backend attaches it', () => {
    // Assess
    expect(statements).toHaveLength(2);
    expect(policy.Properties.Roles).toBeUndefined();
    expect(policy.Properties.Users).toBeUndefined();
    expect(policy.Properties.Groups).toBeUndefined();
  });

  it('outputs the policy ARN and the region, next to the table name and callback URL', () => {
    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(render(outputs.EmitterPolicyArn?.Value)).toBe(`{${policyId}}`);
    expect(render(outputs.Region?.Value)).toBe('{AWS::Region}');
    expect(outputs.TableName).toBeDefined();
    expect(outputs.CallbackUrl).toBeDefined();
  });

  it('leaves no cdk-nag finding on the policy: the @connections wildcard is suppressed by name', () => {
    // Act
    const path = `/${stack.emitterAccess.policy.node.path}/Resource`;
    const errors = Annotations.fromStack(stack).findError(
      path,
      Match.stringLikeRegexp('AwsSolutions-.*'),
    );
    const warnings = Annotations.fromStack(stack).findWarning(
      path,
      Match.stringLikeRegexp('AwsSolutions-.*'),
    );

    // Assess
    expect(errors.map((e) => e.entry.data)).toEqual([]);
    expect(warnings.map((w) => w.entry.data)).toEqual([]);
  });
});
