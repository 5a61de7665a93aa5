import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChatStack } from '../lib/chat-stack';
import { buildWeb } from '../web/build';

/**
 * Builds the chat page (dist/web), then synthesizes the stack that hosts it. cdk-nag's
 * AwsSolutions pack checks every resource: an unsuppressed finding is an error annotation,
 * which fails `cdk synth` (accepted findings and their reasons: lib/nag-suppressions.ts).
 */
async function main(): Promise<void> {
  const webDir = await buildWeb({ logLevel: 'silent' });
  // Environment-agnostic: account and region come from the deploying credentials.
  const app = new App();
  new ChatStack(app, 'ApigwChat', {
    description: 'apigw-chat: Socket.IO-style chat on API Gateway WebSocket, Lambda and DynamoDB',
    webDir,
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
