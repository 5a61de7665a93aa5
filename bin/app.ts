import { App } from 'aws-cdk-lib';
import { ChatStack } from '../lib/chat-stack';
import { buildWeb } from '../web/build';

/** Builds the chat page (dist/web), then synthesizes the stack that hosts it. */
async function main(): Promise<void> {
  const webDir = await buildWeb({ logLevel: 'silent' });
  // Environment-agnostic: account and region come from the deploying credentials.
  const app = new App();
  new ChatStack(app, 'ApigwChat', {
    description: 'apigw-chat: Socket.IO-style chat on API Gateway WebSocket, Lambda and DynamoDB',
    webDir,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
