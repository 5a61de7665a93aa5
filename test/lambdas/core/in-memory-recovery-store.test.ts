import { InMemoryRecoveryStore } from '../../../lambdas/core/in-memory-recovery-store';
import { describeRecoveryStoreContract } from '../../support/recovery-store-contract';

describeRecoveryStoreContract('InMemoryRecoveryStore', () => new InMemoryRecoveryStore());
