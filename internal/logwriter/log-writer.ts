/**
 * Where osquery's result and status log lines go (spec §11). Each line is the raw JSON
 * text of one element of a /log request's `data` array, without a trailing newline.
 */
export interface OsqueryLogWriter {
  /**
   * Resolves once the lines are durably handed off (synced to disk, or accepted by the
   * stream). Rejects on failure: the /log route then answers 500 and osquery keeps the
   * lines in its buffer and retries them later (§13.4).
   */
  write(lines: readonly string[]): Promise<void>;
  /** Flushes what was accepted, then releases the file or stream. */
  close(): Promise<void>;
}
