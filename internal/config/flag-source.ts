// Reads the options object commander produced from the flags registerConfigFlags declared.
import { dottedNames, flagAttribute, flagName } from './names';
import type { RawValues } from './raw-value';
import { SETTINGS } from './settings';

export type Flags = Readonly<Record<string, unknown>>;

export function readFlags(flags: Flags): RawValues {
  const values: RawValues = new Map();
  for (const setting of SETTINGS) {
    for (const dotted of dottedNames(setting)) {
      const raw = flags[flagAttribute(dotted)];
      if (raw === undefined || values.has(setting)) continue;
      values.set(setting, { raw, origin: `flag --${flagName(dotted)}` });
    }
  }
  return values;
}

/** The property holding --config's value. */
export const CONFIG_FLAG_ATTRIBUTE = 'config';
