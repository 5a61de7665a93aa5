import { App } from 'aws-cdk-lib';
import { ChatStack } from '../lib/chat-stack';

/** Environment-agnostic: account and region come from the deploying credentials. */
const app = new App();
new ChatStack(app, 'ApigwChat', {
  description: 'apigw-chat: Socket.IO-style chat on API Gateway WebSocket, Lambda and DynamoDB',
});
