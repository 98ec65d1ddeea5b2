/**
 * What services and transports log through. Deliberately tiny so they do not depend on
 * winston's types, and a test can pass a plain object (see test/support/silent-logger.ts).
 */
export type LogMeta = Record<string, unknown>;

export interface Logger {
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
}
