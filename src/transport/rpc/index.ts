export { type ChainOptions, createChain } from './chain.ts';
export {
  type CallContext,
  type CallContextInit,
  type ContextKey,
  ContextValues,
  createCallContext,
  createContextKey,
  type RequestHeaders,
  responseHeadersOf,
  responseTrailersOf,
} from './context.ts';
export {
  assertEveryMethodHasPolicy,
  type Contract,
  type ContractMethod,
  DESCRIPTOR_SET_URL,
  HCS_PACKAGE,
  type HttpErrorFormat,
  loadContract,
} from './contract.ts';
export { type DeadlineTimer, deadlineExceeded, MAX_TIMER_MS, onDeadline } from './deadline-timer.ts';
export { grpcTimeoutMs } from './grpc-timeout.ts';
export { applyInterceptors, type Interceptor, isAsyncIterable, observeStream } from './interceptor.ts';
export {
  type Authenticator,
  type Credentials,
  logFaultOnce,
  REQUEST_ID_HEADER,
  readCredentials,
  requestIdFrom,
} from './interceptors/index.ts';
export {
  ANONYMOUS,
  authorize,
  type CredentialKind,
  type Policy,
  type Principal,
  type Refusal,
} from './policy.ts';
export type {
  Invoke,
  MethodDefinition,
  MethodImplementation,
  MethodKind,
  Procedure,
  ProcedureInfo,
  ServiceImplementation,
} from './procedure.ts';
export {
  createProcedureTable,
  defineService,
  type ProcedureTable,
  type ProcedureTableOptions,
  type ServiceDefinition,
  type ServiceRegistration,
} from './procedure-table.ts';
export { readFirst } from './read-first.ts';
export { shareMessage } from './shared-message.ts';
export { appErrorToStatus, ERROR_DOMAIN } from './status.ts';
