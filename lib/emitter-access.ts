import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * What an emitter does to the table: read audiences (Query) and connections (GetItem,
 * BatchGetItem); remove connections found gone (BatchWriteItem) and their presence entries
 * (UpdateItem, then DeleteItem for a user's last connection); number and store messages of
 * durable rooms (UpdateItem, PutItem). No Scan.
 */
export const EMITTER_TABLE_ACTIONS = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:UpdateItem',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
] as const;

export interface EmitterAccessProps {
  readonly table: ITable;
  readonly stage: WebSocketStage;
}

/**
 * Everything a backend outside the stack needs to emit to the chat (`createEmitter`, `npx
 * apigw-chat emit`): a managed policy to attach to its role or user, with the table actions of
 * `EMITTER_TABLE_ACTIONS` and `execute-api:ManageConnections` on the stage's
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
    this.postToConnectionsArn = stack.formatArn({
      service: 'execute-api',
      resource: props.stage.api.apiId,
      resourceName: `${props.stage.stageName}/POST/@connections/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.policy = new ManagedPolicy(this, 'Policy', {
      description:
        'What an apigw-chat emitter needs: read the chat table and post to its connections',
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...EMITTER_TABLE_ACTIONS],
          resources: [props.table.tableArn],
        }),
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
