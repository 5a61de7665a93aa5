import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChatStack } from '../lib/chat-stack';
import { buildWeb } from '../web/build';

/**
 * Builds the chat page (dist/web), then synthesizes the stack that hosts it; with
 * `-c nestModule=…`, the stack runs that Nest module's gateways and hosts no page (the page
 * speaks to the chat's namespaces). cdk-nag's
 * AwsSolutions pack checks every resource: an unsuppressed finding is an error annotation,
 * which fails `cdk synth` (accepted findings and their reasons: lib/nag-suppressions.ts).
 */
async function main(): Promise<void> {
  // Environment-agnostic: account and region come from the deploying credentials.
  const app = new App();
  const nest = Boolean(app.node.tryGetContext('nestModule'));
  new ChatStack(app, 'ApigwChat', {
    description: 'apigw-chat: Socket.IO-style chat on API Gateway WebSocket, Lambda and DynamoDB',
    ...(nest ? {} : { webDir: await buildWeb({ logLevel: 'silent' }) }),
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
