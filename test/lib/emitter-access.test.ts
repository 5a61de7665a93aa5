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

  it('allows each table action an emitter needs on its partitions only, on the chat table only', () => {
    // Prepare
    const tableId = onlyIdOf(template, 'AWS::DynamoDB::Table');
    const leadingKeys = (...keys: string[]) => ({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys },
    });

    // Act
    const table = statements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
    );

    // Assess
    expect(table.map((s) => ({ Action: s.Action, Condition: s.Condition }))).toEqual([
      { Action: 'dynamodb:Query', Condition: leadingKeys('ns#*', 'room#*') },
      { Action: 'dynamodb:GetItem', Condition: leadingKeys('ack#*', 'conn#*') },
      { Action: 'dynamodb:UpdateItem', Condition: leadingKeys('hist#*', 'presence#*') },
      { Action: 'dynamodb:PutItem', Condition: leadingKeys('ack#*', 'hist#*') },
      { Action: 'dynamodb:DeleteItem', Condition: leadingKeys('ack#*', 'conn#*', 'presence#*') },
      { Action: 'dynamodb:BatchWriteItem', Condition: leadingKeys('ns#*', 'room#*') },
    ]);
    for (const statement of table) {
      expect(statement.Effect).toBe('Allow');
      expect([statement.Resource].flat().map(render)).toEqual([`{${tableId}.Arn}`]);
    }
  });

  it("cannot rewrite a socket's data (conn#), nor touch users' limits and budgets", () => {
    // Act
    const reach = (action: string) =>
      statements
        .filter((s) => [s.Action].flat().includes(action))
        .flatMap(
          (s) =>
            (s.Condition as Record<string, Record<string, string[]>> | undefined)?.[
              'ForAllValues:StringLike'
            ]?.['dynamodb:LeadingKeys'] ?? ['*'],
        );

    // Assess
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem']) {
      expect(reach(action)).not.toContain('conn#*');
      expect(reach(action)).not.toContain('*');
    }
    for (const action of [
      'dynamodb:Scan',
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
    ]) {
      expect(reach(action)).toEqual([]);
    }
    const all = statements.flatMap((s) => [s.Action].flat());
    expect(all.some((a) => a.endsWith('*'))).toBe(false);
    const conditions = JSON.stringify(statements.map((s) => s.Condition ?? {}));
    for (const prefix of ['user#', 'budget#', 'claim#']) expect(conditions).not.toContain(prefix);
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
    expect(statements).toHaveLength(7); // six table actions, one ManageConnections
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
