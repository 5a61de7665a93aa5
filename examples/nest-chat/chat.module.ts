import { Module } from '@nestjs/common';
import { ChatGateway } from './chat.gateway';

/** The example's Nest module: what `nest` (or `-c nestModule=…#ChatModule`) names. */
@Module({ providers: [ChatGateway] })
export class ChatModule {}
