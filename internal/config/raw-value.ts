import type { Setting } from './settings';

/** A value as a source supplied it, not yet parsed, with where it came from. */
export interface RawValue {
  readonly raw: unknown;
  /** Human-readable source, e.g. "environment variable FLEET_SERVER_TLS". */
  readonly origin: string;
}

export type RawValues = Map<Setting, RawValue>;

/** Values a source read, and warnings (deprecated names, unknown keys) it produced. */
export interface SourceResult {
  readonly values: RawValues;
  readonly warnings: string[];
}
