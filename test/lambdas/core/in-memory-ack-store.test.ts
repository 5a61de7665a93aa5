import { InMemoryAckStore } from '../../../lambdas/core/in-memory-ack-store';
import { describeAckStoreContract } from '../../support/ack-store-contract';

describeAckStoreContract('InMemoryAckStore', ({ now }) => new InMemoryAckStore(() => now() / 1000));
