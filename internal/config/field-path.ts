// Typed addressing of FleetConfig leaves by "section.key" so the settings table can
// name its target field and the compiler checks the kind matches the field's type.
import type { FleetConfig } from './config';

type Section = {
  [K in keyof FleetConfig]: FleetConfig[K] extends object ? K : never;
}[keyof FleetConfig];
type TopLevel = Exclude<keyof FleetConfig, Section>;

export type FieldPath =
  | TopLevel
  | { [S in Section]: `${S}.${keyof FleetConfig[S] & string}` }[Section];

export type ValueAt<P extends FieldPath> = P extends `${infer S}.${infer K}`
  ? S extends Section
    ? K extends keyof FleetConfig[S]
      ? FleetConfig[S][K]
      : never
    : never
  : P extends keyof FleetConfig
    ? FleetConfig[P]
    : never;

export type ConfigValue = string | number | boolean;

export function getField(config: FleetConfig, path: FieldPath): ConfigValue {
  let node: unknown = config;
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  return node as ConfigValue;
}

/** Only called with values parsed for the setting that owns `path` (see settings.ts). */
export function setField(config: FleetConfig, path: FieldPath, value: ConfigValue): void {
  const parts = path.split('.');
  const last = parts.pop()!;
  let node = config as unknown as Record<string, unknown>;
  for (const part of parts) node = node[part] as Record<string, unknown>;
  node[last] = value;
}
