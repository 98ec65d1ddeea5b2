export type { OsqueryLogWriter } from './log-writer';
export { FilesystemLogWriter, type FilesystemLogWriterOptions, type FilesystemLogWriterStats, type RotationOptions } from './filesystem-writer';
export { StdoutLogWriter } from './stdout-writer';
export { createLogWriters, type LogWriters, type LogWriterDeps } from './create-log-writers';
export { splitJsonArrayElements } from './split-json-array';
export { nodeLogFs, type LogFs, type FileIdentity } from './log-fs';
