import path from 'node:path';
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChatStack } from '../../lib/chat-stack';

/**
 * The example's CDK app: the chat stack with `ChatModule`'s gateways in place of the chat's
 * namespaces (`nest`), checked by cdk-nag as the chat's own app is. From the repository root:
 *
 *   npx cdk synth --app 'npx tsx examples/nest-chat/app.ts'
 *
 * @example
 * const stack = nestChatApp(new App({ outdir: 'cdk.out/nest-chat' }));
 */
export function nestChatApp(app = new App()): ChatStack {
  const stack = new ChatStack(app, 'NestChat', {
    description:
      'apigw-chat example: NestJS gateways on API Gateway WebSocket, Lambda and DynamoDB',
    nest: { file: path.join(__dirname, 'chat.module.ts'), exportName: 'ChatModule' },
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return stack;
}

if (require.main === module) nestChatApp();
