export {
  type Authenticator,
  type AuthInterceptorOptions,
  authInterceptor,
  type Credentials,
  readCredentials,
} from './auth.ts';
export { deadlineInterceptor } from './deadline.ts';
export { errorInterceptor } from './errors.ts';
export { logFaultOnce, loggingInterceptor } from './logging.ts';
export { REQUEST_ID_HEADER, requestIdFrom, requestIdInterceptor } from './request-id.ts';
