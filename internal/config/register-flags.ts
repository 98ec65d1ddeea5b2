// Declares one command-line flag per setting (and --config) from the settings table.
import { Option, type Command } from 'commander';
import { defaultConfig } from './config';
import { getField } from './field-path';
import { formatValue } from './format-value';
import { CONFIG_PATH_ENV, envName, flagName } from './names';
import { SETTINGS, type Setting } from './settings';

export function registerConfigFlags(command: Command): Command {
  command.addOption(new Option('--config <path>', `YAML config file (env ${CONFIG_PATH_ENV})`));
  const defaults = defaultConfig();
  for (const setting of SETTINGS) {
    command.addOption(flagOption(setting.key, setting, describe(setting, defaults)));
    // Fleet's older names (e.g. --redis-address) still work but are not advertised.
    for (const alias of setting.aliases) command.addOption(flagOption(alias, setting, '').hideHelp());
  }
  return command;
}

function flagOption(dotted: string, setting: Setting, description: string): Option {
  // No commander defaults: an absent flag must stay undefined so lower layers show through.
  // Booleans take an optional value so both `--server-tls` and `--server-tls=false` work.
  const arg = setting.kind === 'bool' ? '[bool]' : setting.kind === 'duration' ? '<duration>' : '<value>';
  // Choices are not declared to commander: loadConfig validates every source alike.
  return new Option(`--${flagName(dotted)} ${arg}`, description);
}

function describe(setting: Setting, defaults: ReturnType<typeof defaultConfig>): string {
  const value = formatValue(setting, getField(defaults, setting.field));
  const shown = value === '' ? '' : `, default ${JSON.stringify(value)}`;
  return `${setting.description} (env ${envName(setting)}${shown})`;
}
