export { acquireWithRetry } from './acquire-with-retry.ts';
export {
  type AcquireOptions,
  assertLeaseTtl,
  type FenceFloor,
  isLease,
  type Lease,
  type Lock,
  type RenewOptions,
} from './lock.ts';
export {
  createMemoryLock,
  type MemoryLockOptions,
  type ValidMemoryLockOptions,
  validateMemoryLockOptions,
} from './memory-lock.ts';
