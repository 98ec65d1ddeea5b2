// The process logger: JSON lines for machines, one readable line for people.
import type { Writable } from 'node:stream';
import { createLogger as createWinston, format, transports, type Logger as WinstonLogger } from 'winston';
import { redactFormat } from './redact';

export interface LoggerOptions {
  json: boolean;
  debug: boolean;
  /** Where lines go; stderr by default, as Fleet logs, leaving stdout to command output. */
  stream?: Writable;
}

export function createLogger(options: LoggerOptions): WinstonLogger {
  return createWinston({
    level: options.debug ? 'debug' : 'info',
    format: format.combine(format.timestamp(), redactFormat(), options.json ? format.json() : humanLine),
    transports: [new transports.Stream({ stream: options.stream ?? process.stderr })],
  });
}

// "2024-01-02T03:04:05.678Z info: request route=version status=200"
const humanLine = format.printf((info) => {
  const { level, message, timestamp, ...meta } = info;
  const fields = Object.entries(meta)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/[\s"=]/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(timestamp)} ${level}: ${String(message)}${fields === '' ? '' : ` ${fields}`}`;
});
