export {
  AppError,
  type AppErrorOptions,
  type ErrorDetails,
  type FieldViolation,
  isAppError,
} from './app-error.ts';
export { Code, codeToName, isCode } from './code.ts';
export { PlatformReason } from './reasons.ts';
