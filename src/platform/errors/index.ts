export {
  AppError,
  type AppErrorOptions,
  ERROR_BOUNDS,
  type ErrorDetails,
  type FieldViolation,
  isAppError,
} from './app-error.ts';
export { listSome, TEXT_BOUNDS, truncateText } from './bounded-text.ts';
export { Code, codeToName, isCode } from './code.ts';
export { addErrorTranslator, type ErrorTranslator, translateError } from './error-translators.ts';
export { invalidField } from './invalid-field.ts';
export { PlatformReason } from './reasons.ts';
