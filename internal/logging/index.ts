export type { Logger, LogMeta } from './logger';
export { createLogger, type LoggerOptions } from './create-logger';
export { redact, redactFormat, isSensitiveKey, REDACTED } from './redact';
