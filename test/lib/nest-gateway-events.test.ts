import { forwardRef, Module } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { gatewayEvents } from '../../lib/nest-gateway-events';
import { FeaturesModule } from '../fixtures/nest-features/features.module';
import { SeedsModule } from '../fixtures/nest-seeds/seeds.module';

@WebSocketGateway({ namespace: /^\/team-\d+$/ })
class BaseGateway {
  @SubscribeMessage('hello')
  hello(): string {
    return 'hi';
  }
}

@WebSocketGateway({ namespace: '/lobby' })
class LobbyGateway extends BaseGateway {
  @SubscribeMessage('enter')
  enter(): void {}

  notAnEvent(): void {}
}

class NotAGateway {
  @SubscribeMessage('ignored')
  ignored(): void {}
}

@Module({ providers: [{ provide: 'lobby', useClass: LobbyGateway }, NotAGateway] })
class LobbyModule {}

@Module({
  imports: [forwardRef(() => LobbyModule), { module: class Dynamic {}, providers: [BaseGateway] }],
})
class RootModule {}

@Module({ imports: [RootModule, LobbyModule] })
class CyclicImports {}

/** The gateways a module declares, read from decorators without bootstrapping. */
describe('gatewayEvents', () => {
  it("reads the seeds' gateways: namespaces with a leading slash, '/' when none, events in order", () => {
    // Act
    const gateways = gatewayEvents(SeedsModule);

    // Assess
    expect(gateways).toEqual([
      { gateway: 'ChatsGateway', namespace: '/customSpace', events: ['uniCast', 'broadCasting'] },
      { gateway: 'ChatsGatewayLifeCycle', namespace: '/chatsGatewayInit', events: [] },
      { gateway: 'ClubGateway', namespace: '/', events: ['chat'] },
      { gateway: 'ClubMembershipGateway', namespace: '/', events: ['joinClub'] },
    ]);
  });

  it('follows imports (forwardRef, dynamic modules), useClass providers and base classes, each module once', () => {
    // Act
    const gateways = gatewayEvents(CyclicImports);

    // Assess
    expect(gateways).toEqual([
      { gateway: 'LobbyGateway', namespace: '/lobby', events: ['enter', 'hello'] },
      { gateway: 'BaseGateway', namespace: '/^\\/team-\\d+$/', events: ['hello'] },
    ]);
  });

  it('reads a gateway whose handlers use injection, guards, pipes and interceptors', () => {
    // Act
    const gateways = gatewayEvents(FeaturesModule);

    // Assess
    expect(gateways).toEqual([
      {
        gateway: 'GameGateway',
        namespace: '/game',
        events: ['score', 'reset', 'wrapped', 'respond', 'announce', 'fail', 'buy'],
      },
    ]);
  });
});
