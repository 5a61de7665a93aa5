import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ConnectionMethod } from './least-privilege';

/**
 * The ARN of one method of a stage's `@connections` API, for `execute-api:ManageConnections`:
 * `arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<method>/@connections/*`.
 *
 * @example
 * connectionsArn(stage, 'POST'); // what PostToConnection needs, and nothing more
 */
export function connectionsArn(stage: WebSocketStage, method: ConnectionMethod): string {
  return Stack.of(stage).formatArn({
    service: 'execute-api',
    resource: stage.api.apiId,
    resourceName: `${stage.stageName}/${method}/@connections/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
