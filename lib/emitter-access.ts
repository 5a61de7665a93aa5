import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { connectionsArn } from './connections-arn';
import { EMITTER_TABLE_ACCESS } from './least-privilege';

export interface EmitterAccessProps {
  readonly table: ITable;
  readonly stage: WebSocketStage;
}

/**
 * Everything a backend outside the stack needs to emit to the chat (`createEmitter`, `npx
 * apigw-chat emit`): a managed policy to attach to its role or user, with the table actions of
 * `EMITTER_TABLE_ACCESS`, each on its partitions only (`dynamodb:LeadingKeys`), and
 * `execute-api:ManageConnections` on the stage's
 * `POST/@connections/*` only (posting; not reading or closing connections). Outputs
 * `EmitterPolicyArn` and `Region`, next to the stack's `TableName` and `CallbackUrl`.
 *
 * @example
 * const access = new EmitterAccess(this, 'EmitterAccess', { table: this.table, stage: this.stage });
 * access.policy.attachToRole(backendRole);
 */
export class EmitterAccess extends Construct {
  readonly policy: ManagedPolicy;
  /** The `@connections` resources the policy allows posting to. */
  readonly postToConnectionsArn: string;

  constructor(scope: Construct, id: string, props: EmitterAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.postToConnectionsArn = connectionsArn(props.stage, 'POST');
    this.policy = new ManagedPolicy(this, 'Policy', {
      description:
        'What an apigw-chat emitter needs: read the chat table and post to its connections',
      statements: [
        // One statement per action: IAM conditions apply to every action of a statement.
        ...Object.entries(EMITTER_TABLE_ACCESS).map(
          ([action, prefixes]) =>
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: [`dynamodb:${action}`],
              resources: [props.table.tableArn],
              conditions: {
                'ForAllValues:StringLike': {
                  'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`),
                },
              },
            }),
        ),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['execute-api:ManageConnections'],
          resources: [this.postToConnectionsArn],
        }),
      ],
    });
    output(
      this,
      'EmitterPolicyArn',
      this.policy.managedPolicyArn,
      'Attach to the role or user of a backend that emits (createEmitter, npx apigw-chat emit)',
    );
    output(
      this,
      'Region',
      stack.region,
      'Region of the table and the stage (apigw-chat emit --region)',
    );
  }
}

/** An output with a stable logical id: the name the CLI and the docs use. */
function output(scope: Construct, id: string, value: string, description: string): void {
  new CfnOutput(scope, id, { value, description }).overrideLogicalId(id);
}
